// The outcome table against a scripted peer: every kind of refusal, drop and stall.
#include <gtest/gtest.h>

#include <map>

#include "harness/net.hpp"
#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test::smtp {
namespace {

using mail::Outcome;
using namespace std::chrono_literals;

std::string url_of(const Peer& peer) {
    return "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none";
}

std::map<std::string, mail::DeliveryResult> by_id(const std::vector<mail::DeliveryResult>& results) {
    std::map<std::string, mail::DeliveryResult> out;
    for (const auto& r : results) out[r.id] = r;
    return out;
}

int peer_connections(const TempDir& dir) {
    int n = 0;
    for (const auto& ev : read_jsonl(dir.file("events.jsonl"))) n += ev["event"] == "connect";
    return n;
}

/// One message per row of the outcome table; the local part picks the peer's behaviour.
std::vector<mail::OutgoingMessage> table_batch(const std::string& round) {
    std::vector<mail::OutgoingMessage> batch;
    for (const char* who : {"ok1", "tempfail-rcpt", "unknown", "tempfail-data", "reject-data", "ok2", "drop-354",
                            "drop-mid", "close421", "ok3", "stall-dot", "ok4"})
        batch.push_back(message(round + who, std::string(who) + "@vendors.test"));
    auto tempfail_mail = message(round + "tempfail-mail", "x@vendors.test");
    tempfail_mail.mail_from = "tempfail-mail@dispatch.test";
    batch.insert(batch.begin() + 3, tempfail_mail);
    return batch;
}

void expect_result(const std::map<std::string, mail::DeliveryResult>& results, const std::string& id, Outcome outcome,
                   int code, const std::string& reason) {
    ASSERT_TRUE(results.count(id)) << id;
    const auto& r = results.at(id);
    EXPECT_EQ(r.outcome, outcome) << id << ": " << r.reason << " / " << r.reply;
    EXPECT_EQ(r.smtp_code, code) << id << ": " << r.reply;
    EXPECT_EQ(r.reason, reason) << id;
    EXPECT_FALSE(r.relay_problem) << id;
}

void expect_table(const std::vector<mail::DeliveryResult>& list, const std::string& round) {
    ASSERT_EQ(list.size(), 13u);
    auto r = by_id(list);
    for (const char* ok : {"ok1", "ok2", "ok3", "ok4"}) {
        expect_result(r, round + ok, Outcome::sent, 250, "the relay accepted the message");
        EXPECT_TRUE(r[round + ok].reply.starts_with("250 2.0.0 Ok: queued as Q")) << r[round + ok].reply;
    }
    expect_result(r, round + "tempfail-mail", Outcome::deferred, 451, "the relay temporarily refused the sender");
    expect_result(r, round + "tempfail-rcpt", Outcome::deferred, 450, "the relay temporarily refused the recipient");
    expect_result(r, round + "unknown", Outcome::failed, 550, "the mailbox does not exist");
    EXPECT_TRUE(r[round + "unknown"].reply.starts_with(
        "550 5.1.1 <unknown@vendors.test>: Recipient address rejected: User unknown"))
        << r[round + "unknown"].reply;
    expect_result(r, round + "tempfail-data", Outcome::deferred, 451, "the relay temporarily refused the message");
    expect_result(r, round + "reject-data", Outcome::failed, 554, "the relay refused the message");
    expect_result(r, round + "drop-354", Outcome::deferred, 0, "the connection dropped");
    expect_result(r, round + "drop-mid", Outcome::deferred, 0, "the connection dropped");
    expect_result(r, round + "close421", Outcome::deferred, 421, "the relay is temporarily unavailable");
    expect_result(r, round + "stall-dot", Outcome::deferred, 0, "the relay did not answer in time");
}

class SmtpOutcomes : public ::testing::TestWithParam<bool> {};

TEST_P(SmtpOutcomes, EveryReplyMapsToItsOutcomeWithoutHotLoopOrLeaks) {
    bool pipelining = GetParam();
    TempDir dir;
    std::vector<std::string> args = {"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path()};
    if (!pipelining) args.push_back("--no-pipelining");
    Peer peer(args, "READY ");
    int fds_before = open_fds();
    {
        mail::SmtpTransport transport(test_options(url_of(peer), 3));
        expect_table(transport.send(table_batch("a-")), "a-");
        expect_table(transport.send(table_batch("b-")), "b-");
        EXPECT_EQ(transport.health(), "");
        // Each round loses 4 connections (drop-354, drop-mid, close421, stall-dot): a few
        // reconnects, not a retry storm.
        auto stats = transport.stats();
        EXPECT_LE(stats.connections_opened, 2u * (4 + 3) + 2) << stats.connections_opened;
        EXPECT_EQ(stats.setup_failures, 0u);
        EXPECT_EQ(stats.sent, 8u);
    }
    EXPECT_EQ(open_fds(), fds_before);
    EXPECT_LE(peer_connections(dir), 2 * (4 + 3) + 2);
    // The refused transactions were reset before the next one on the same connection.
    int rsets = 0;
    for (const auto& ev : read_jsonl(dir.file("events.jsonl"))) rsets += ev["event"] == "rset";
    EXPECT_GE(rsets, 2);
}

INSTANTIATE_TEST_SUITE_P(PipeliningOnAndOff, SmtpOutcomes, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "pipelined" : "lockstep"; });

TEST(SmtpThrottling, HintedThrottleDefersOnePausesAndHalvesThePool) {
    TempDir dir;
    Peer peer({"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path()}, "READY ");
    auto options = test_options(url_of(peer), 4);
    options.recovery_interval = 30s;  // keep the halved limit observable
    mail::SmtpTransport transport(options);
    std::vector<mail::OutgoingMessage> batch;
    for (int i = 0; i < 20; ++i) batch.push_back(message("t" + std::to_string(i), "v" + std::to_string(i) + "@x.test"));
    batch[3].rcpt_to = "throttle@x.test";
    auto r = by_id(transport.send(batch));
    EXPECT_EQ(r["t3"].outcome, Outcome::deferred);
    EXPECT_EQ(r["t3"].smtp_code, 454);
    EXPECT_EQ(r["t3"].reason, "the relay is throttling us");
    ASSERT_TRUE(r["t3"].retry_after_seconds);
    EXPECT_EQ(*r["t3"].retry_after_seconds, 1);
    int sent = 0;
    for (auto& [id, res] : r) sent += res.outcome == Outcome::sent;
    EXPECT_EQ(sent, 19);  // the 1 s pause is short enough to wait out inside send(): the rest went out
    auto stats = transport.stats();
    EXPECT_EQ(stats.throttled, 1u);
    EXPECT_EQ(stats.connection_limit, 2);
}

TEST(SmtpThrottling, LongPauseDefersTheRestAtOnceAndRecoversGradually) {
    TempDir dir;
    Peer peer({"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path()}, "READY ");
    auto options = test_options(url_of(peer), 1);  // one connection: the order is deterministic
    options.throttle_pause = 3s;                   // longer than max_pause_wait (1.5 s)
    options.max_backoff = 10s;
    options.connections = 1;
    mail::SmtpTransport transport(options);
    std::vector<mail::OutgoingMessage> batch;
    for (int i = 0; i < 8; ++i) batch.push_back(message("n" + std::to_string(i), "v" + std::to_string(i) + "@x.test"));
    batch[2].rcpt_to = "throttle-nohint@x.test";
    auto r = by_id(transport.send(batch));
    EXPECT_EQ(r["n0"].outcome, Outcome::sent);
    EXPECT_EQ(r["n1"].outcome, Outcome::sent);
    EXPECT_EQ(r["n2"].smtp_code, 454);
    EXPECT_FALSE(r["n2"].retry_after_seconds);  // no hint in that reply
    // Nothing waits 3 s inside send(): had it waited, n3..n7 would have been sent.
    for (int i = 2; i < 8; ++i) {
        const auto& res = r["n" + std::to_string(i)];
        EXPECT_EQ(res.outcome, Outcome::deferred) << i;
        EXPECT_EQ(res.reason, "the relay is throttling us") << i;
        if (i > 2) {
            ASSERT_TRUE(res.retry_after_seconds) << i;
            EXPECT_GE(*res.retry_after_seconds, 2);
            EXPECT_LE(*res.retry_after_seconds, 3);
        }
    }
    // Sending again during the pause touches no connection; afterwards it works again.
    auto opened = transport.stats().connections_opened;
    auto again = transport.send({message("m1", "v@x.test")});
    EXPECT_EQ(again[0].reason, "the relay is throttling us");
    EXPECT_EQ(transport.stats().connections_opened, opened);
    // Sends during the pause are deferred without a connection; the first one after it goes out.
    EXPECT_TRUE(wait_until([&] { return transport.send({message("m2", "v@x.test")})[0].outcome == Outcome::sent; }, 10s,
                           100ms));
}

TEST(SmtpConnections, RelayDownDefersWithBoundedAttempts) {
    int port = free_port();  // nothing listens there
    int fds_before = open_fds();
    {
        mail::SmtpTransport transport(test_options("smtp://127.0.0.1:" + std::to_string(port) + "?tls=none", 4));
        std::vector<mail::OutgoingMessage> batch;
        for (int i = 0; i < 30; ++i) batch.push_back(message("d" + std::to_string(i), "v@x.test"));
        auto results = transport.send(batch);
        for (const auto& r : results) {
            EXPECT_EQ(r.outcome, Outcome::deferred);
            EXPECT_EQ(r.reason, "could not connect to the relay");
            EXPECT_FALSE(r.relay_problem);
        }
        // A first wave of 4, then one probe per back-off step (200, 400, 800 ms), then give up.
        auto attempts = transport.stats().connections_opened;
        EXPECT_LE(attempts, 8u);
        auto again = transport.send(batch);
        EXPECT_EQ(transport.stats().connections_opened, attempts);  // still backing off: no new attempt
        EXPECT_EQ(again[0].reason, "could not connect to the relay");
        ASSERT_TRUE(again[0].retry_after_seconds);
    }
    EXPECT_EQ(open_fds(), fds_before);
}

TEST(SmtpConnections, StalledGreetingTimesOut) {
    TempDir dir;
    // A listener that accepts and never speaks: the scripted peer with a stalled MAIL would answer
    // the greeting, so use a bare socket server.
    Peer peer({"/usr/bin/python3", "-c",
               "import socket,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen(50)\n"
               "print('READY %d'%s.getsockname()[1],flush=True)\nc=[]\nwhile True: c.append(s.accept())"},
              "READY ");
    auto options = test_options(url_of(peer), 2);
    options.timeouts.greeting = 300ms;
    mail::SmtpTransport transport(options);
    auto results = transport.send({message("g1", "v@x.test"), message("g2", "v@x.test")});
    for (const auto& r : results) EXPECT_EQ(r.reason, "the relay did not answer in time") << r.id;
}

TEST(SmtpConnections, ReusesConnectionsAcrossBatches) {
    TempDir dir;
    Peer peer({"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path()}, "READY ");
    mail::SmtpTransport transport(test_options(url_of(peer), 2));
    for (int round = 0; round < 5; ++round) {
        std::vector<mail::OutgoingMessage> batch;
        for (int i = 0; i < 10; ++i) batch.push_back(message("r" + std::to_string(round * 10 + i), "v@x.test"));
        for (const auto& r : transport.send(batch)) EXPECT_EQ(r.outcome, Outcome::sent);
    }
    EXPECT_LE(transport.stats().connections_opened, 2u);
    EXPECT_LE(peer_connections(dir), 2);
}

}  // namespace
}  // namespace dh::test::smtp
