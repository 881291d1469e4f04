// Delivery to real SMTP servers: Postfix's smtp-sink and aiosmtpd (Python's independent stack).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "harness/net.hpp"
#include "harness/wait.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test::smtp {
namespace {

namespace fs = std::filesystem;
using mail::Outcome;

std::vector<mail::OutgoingMessage> personalised(int n, const std::string& prefix) {
    std::vector<mail::OutgoingMessage> batch;
    for (int i = 0; i < n; ++i) {
        std::string id = prefix + std::to_string(i);
        batch.push_back(message(id, "vendor" + std::to_string(i) + "@vendors.test",
                                "Dear vendor " + std::to_string(i) + ",\r\n.a line starting with a dot\r\nBye\r\n"));
    }
    return batch;
}

std::vector<std::string> crlf_lines(const std::string& wire) {
    std::vector<std::string> lines;
    for (std::size_t p = 0, q; (q = wire.find("\r\n", p)) != std::string::npos; p = q + 2)
        lines.push_back(wire.substr(p, q - p));
    return lines;
}

void expect_all_sent(const std::vector<mail::DeliveryResult>& results, std::size_t n) {
    ASSERT_EQ(results.size(), n);
    for (const auto& r : results) {
        EXPECT_EQ(r.outcome, Outcome::sent) << r.id << ": " << r.reason << " " << r.reply;
        EXPECT_EQ(r.smtp_code, 250);
    }
}

// The smuggling bodies: each contains what some peer might read as the end of the data.
const std::vector<std::pair<std::string, std::string>> kSmuggling = {
    {"lf", "before\n.\nMAIL FROM:<evil@x>\nafter\r\n"},
    {"crlf", "before\r\n.\r\nRSET\r\nafter\r\n"},
    {"cr", "before\r.\rQUIT\rafter\r\n"},
    {"mixed", "before\r\n.\nafter\r\n"},
};

TEST(SmtpDelivery, SmtpSinkGetsEveryMessageExactlyOnceWithOneRecipient) {
    TempDir dump("postfix");
    int port = free_port();
    Peer sink({"/usr/sbin/smtp-sink", "-u", "postfix", "-d", dump.path() + "/%M.", "127.0.0.1:" + std::to_string(port),
               "100"},
              "", port);
    mail::SmtpTransport transport(test_options("smtp://127.0.0.1:" + std::to_string(port) + "?tls=none", 4));
    const int n = 300;
    auto batch = personalised(n, "sink-");
    for (const auto& [name, body] : kSmuggling) batch.push_back(message("smuggle-" + name, "s@vendors.test", body));
    auto results = transport.send(batch);
    expect_all_sent(results, batch.size());

    // smtp-sink writes one file per transaction: envelope headers, then the unstuffed message.
    std::map<std::string, std::string> by_id;
    ASSERT_TRUE(wait_until(
        [&] {
            return std::distance(fs::directory_iterator(dump.path()), fs::directory_iterator{}) ==
                   static_cast<long>(batch.size());
        },
        std::chrono::seconds(10)));
    for (auto& e : fs::directory_iterator(dump.path())) {
        std::string text = read_text(e.path());
        std::size_t rcpts = 0;
        for (auto pos = text.find("X-Rcpt-Args:"); pos != std::string::npos; pos = text.find("X-Rcpt-Args:", pos + 1))
            ++rcpts;
        EXPECT_EQ(rcpts, 1u) << text;
        auto id_pos = text.find("Message-ID: <");
        ASSERT_NE(id_pos, std::string::npos) << text;
        std::string id = text.substr(id_pos + 13, text.find('@', id_pos) - id_pos - 13);
        EXPECT_FALSE(by_id.count(id)) << "delivered twice: " << id;
        by_id[id] = text;
    }
    ASSERT_EQ(by_id.size(), batch.size());
    EXPECT_NE(by_id["sink-7"].find("\n.a line starting with a dot\n"), std::string::npos) << by_id["sink-7"];
    // The smuggled commands stayed message text: still inside the one message, after the dot line.
    EXPECT_NE(by_id["smuggle-lf"].find("before\n.\nMAIL FROM:<evil@x>\nafter\n"), std::string::npos);
    EXPECT_NE(by_id["smuggle-crlf"].find("before\n.\nRSET\nafter\n"), std::string::npos);
    EXPECT_NE(by_id["smuggle-cr"].find("before\n.\nQUIT\nafter\n"), std::string::npos);
    EXPECT_NE(by_id["smuggle-mixed"].find("before\n.\nafter\n"), std::string::npos);
}

TEST(SmtpDelivery, AiosmtpdGetsEveryMessageOnceAndMimeClean) {
    TempDir dir;
    Peer peer(aiosmtpd(dir), "READY ");
    mail::SmtpTransport transport(test_options("smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none", 4));
    auto batch = personalised(200, "aio-");
    expect_all_sent(transport.send(batch), batch.size());

    auto records = read_jsonl(dir.file("mail.jsonl"));
    ASSERT_EQ(records.size(), batch.size());
    std::set<std::string> recipients;
    for (const auto& r : records) {
        ASSERT_EQ(r["rcpt_tos"].size(), 1u) << r.dump();
        EXPECT_TRUE(recipients.insert(r["rcpt_tos"][0].get<std::string>()).second) << "twice: " << r["rcpt_tos"][0];
        EXPECT_TRUE(r["defects"].empty()) << r.dump();
        EXPECT_TRUE(r["subject"].get<std::string>().starts_with("Order aio-"));
        EXPECT_NE(r["text"].get<std::string>().find("\r\n.a line starting with a dot\r\nBye\r\n"), std::string::npos);
    }
    EXPECT_EQ(recipients.size(), batch.size());
}

// The worker records each outcome as the relay answers (a crash then re-sends only what was on the
// wire), so the transport must tell each result when it comes, not when the batch is done. The relay
// takes two messages and then hangs after the dot: both results are told while send() still waits.
TEST(SmtpDelivery, EachResultIsToldAsTheRelayAnswersWhileTheBatchIsStillOnTheWire) {
    using namespace std::chrono_literals;
    TempDir dir;
    auto peer = std::make_unique<Peer>(aiosmtpd(dir, {"--stall-after", "2"}), "READY ");
    auto options = test_options("smtp://127.0.0.1:" + std::to_string(peer->port()) + "?tls=none", 1);
    options.timeouts.data_end = 120s;  // the hang lasts until the test ends it
    mail::SmtpTransport transport(options);
    auto batch = personalised(4, "told-");

    std::mutex mutex;
    std::vector<mail::DeliveryResult> told;
    std::atomic<bool> returned{false};
    std::vector<mail::DeliveryResult> results;
    std::thread sender([&] {
        results = transport.send(batch, [&](const mail::DeliveryResult& r) {
            std::lock_guard lock(mutex);
            told.push_back(r);
        });
        returned = true;
    });
    auto told_count = [&] {
        std::lock_guard lock(mutex);
        return told.size();
    };
    EXPECT_TRUE(wait_until([&] { return told_count() >= 2; }, 30s)) << "results told before the batch ended";
    EXPECT_FALSE(returned.load()) << "the third message is still waiting for the relay";
    {
        std::lock_guard lock(mutex);
        EXPECT_EQ(told.size(), 2u);  // no ASSERT before the sender thread is joined
        for (auto& r : told) EXPECT_EQ(r.outcome, Outcome::sent) << r.id << ": " << r.reply;
    }
    peer.reset();  // the relay goes away: the messages it held are deferred, and send() returns
    sender.join();
    ASSERT_EQ(results.size(), batch.size());
    EXPECT_EQ(told.size(), batch.size()) << "every result is told exactly once";
    std::set<std::string> ids;
    for (auto& r : told) ids.insert(r.id);
    EXPECT_EQ(ids.size(), batch.size());
    EXPECT_EQ(std::count_if(results.begin(), results.end(), [](auto& r) { return r.outcome == Outcome::sent; }), 2);
}

TEST(SmtpDelivery, SmugglingBodiesArriveAsOneMessageWithTheTextIntact) {
    TempDir dir;
    Peer peer(aiosmtpd(dir), "READY ");
    mail::SmtpTransport transport(test_options("smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none", 1));
    std::vector<mail::OutgoingMessage> batch;
    for (const auto& [name, body] : kSmuggling)
        batch.push_back(message("smuggle-" + name, name + "@vendors.test", body));
    expect_all_sent(transport.send(batch), batch.size());

    auto records = read_jsonl(dir.file("mail.jsonl"));
    ASSERT_EQ(records.size(), batch.size());  // nothing split off into a second message
    std::map<std::string, std::string> text;
    for (const auto& r : records) text[r["rcpt_tos"][0]] = r["text"];
    EXPECT_EQ(text["lf@vendors.test"], "before\r\n.\r\nMAIL FROM:<evil@x>\r\nafter\r\n");
    EXPECT_EQ(text["crlf@vendors.test"], "before\r\n.\r\nRSET\r\nafter\r\n");
    EXPECT_EQ(text["cr@vendors.test"], "before\r\n.\r\nQUIT\r\nafter\r\n");
    EXPECT_EQ(text["mixed@vendors.test"], "before\r\n.\r\nafter\r\n");
}

TEST(SmtpDelivery, WireHasOnlyCrlfAndOneRecipientPerTransaction) {
    TempDir dir;
    Peer peer({"/usr/bin/python3", tools_dir() + "/scripted_smtp.py", "--log", dir.path()}, "READY ");
    mail::SmtpTransport transport(test_options("smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none", 2));
    auto batch = personalised(50, "wire-");
    for (const auto& [name, body] : kSmuggling)
        batch.push_back(message("smuggle-" + name, name + "@vendors.test", body));
    expect_all_sent(transport.send(batch), batch.size());

    int transactions = 0;
    for (auto& e : fs::directory_iterator(dir.path())) {
        if (e.path().extension() != ".raw") continue;
        std::string wire = read_text(e.path());
        for (std::size_t i = 0; i < wire.size(); ++i) {
            bool bare_lf = wire[i] == '\n' && (i == 0 || wire[i - 1] != '\r');
            bool bare_cr = wire[i] == '\r' && (i + 1 == wire.size() || wire[i + 1] != '\n');
            ASSERT_FALSE(bare_lf || bare_cr) << "bare line ending at " << i << " of " << e.path();
        }
        // Between two MAIL commands there is exactly one RCPT (message text after DATA is skipped).
        int rcpts_in_transaction = -1;
        bool in_data = false;
        for (const auto& line : crlf_lines(wire)) {
            if (in_data) {
                in_data = line != ".";
            } else if (line == "DATA") {
                in_data = true;
            } else if (line.starts_with("MAIL FROM:")) {
                if (rcpts_in_transaction >= 0) {
                    EXPECT_EQ(rcpts_in_transaction, 1);
                }
                rcpts_in_transaction = 0;
                ++transactions;
            } else if (line.starts_with("RCPT TO:")) {
                ++rcpts_in_transaction;
            }
        }
        if (rcpts_in_transaction >= 0) {
            EXPECT_EQ(rcpts_in_transaction, 1);
        }
    }
    EXPECT_EQ(transactions, static_cast<int>(batch.size()));
    std::size_t messages = 0;
    for (const auto& ev : read_jsonl(dir.file("events.jsonl"))) {
        if (ev["event"] != "message") continue;
        ++messages;
        EXPECT_EQ(ev["rcpts"].size(), 1u);
    }
    EXPECT_EQ(messages, batch.size());
}

}  // namespace
}  // namespace dh::test::smtp
