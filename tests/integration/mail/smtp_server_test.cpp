// The inbound SMTP server over real sockets, byte by byte (raw client).
#include <gtest/gtest.h>

#include "harness/wait.hpp"
#include "mail/smtp_test_support.hpp"

namespace dh::test {
namespace {

using namespace std::chrono_literals;

std::string code(const std::string& reply) {
    return reply.substr(0, 3);
}

/// Connects, reads the greeting, says EHLO; returns the EHLO reply.
std::string greet(RawClient& c) {
    EXPECT_EQ(code(c.reply()), "220");
    c.send("EHLO client.example\r\n");
    return c.reply();
}

TEST(SmtpServer, PipelinedTransactionIsStoredByteExactAndDotUnstuffed) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    ASSERT_GT(server.port(), 0);
    RawClient c(server.port());
    ASSERT_EQ(code(c.reply()), "220");
    // Everything up to DATA in one write, as a PIPELINING client does.
    c.send(
        "EHLO client.example\r\nMAIL FROM:<vendor@supplier.example> BODY=8BITMIME\r\n"
        "RCPT TO:<r1@in.example>\r\nRCPT TO:<nobody@elsewhere.example>\r\nRCPT TO:<r2@in.example>\r\nDATA\r\n");
    std::string ehlo = c.reply();
    EXPECT_NE(ehlo.find("250-PIPELINING"), std::string::npos) << ehlo;
    EXPECT_NE(ehlo.find("SIZE 65536"), std::string::npos) << ehlo;
    EXPECT_NE(ehlo.find("8BITMIME"), std::string::npos) << ehlo;
    EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos) << "no certificate configured";
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "250");
    std::string refused = c.reply();
    EXPECT_EQ(refused.substr(0, 9), "550 5.1.1") << refused;
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "354");
    c.send("Subject: dots\r\n\r\n..leading dot\r\n..\r\n...\r\nlast line\r\n.\r\nQUIT\r\n");
    std::string stored = c.reply();
    EXPECT_EQ(code(stored), "250") << stored;
    EXPECT_EQ(code(c.reply()), "221");
    auto messages = handler.stored();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].raw, "Subject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\nlast line\r\n");
    EXPECT_EQ(messages[0].env.mail_from, "vendor@supplier.example");
    EXPECT_EQ(messages[0].env.rcpt_to, (std::vector<std::string>{"r1@in.example", "r2@in.example"}));
    EXPECT_EQ(messages[0].env.helo, "client.example");
    EXPECT_TRUE(messages[0].env.body_8bitmime);
    EXPECT_FALSE(messages[0].env.tls);
}

TEST(SmtpServer, BareLfInDataIsRefusedAndTheConnectionClosed) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    RawClient c(server.port());
    greet(c);
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "354");
    // The smuggling pattern: <LF>.<LF> then a second transaction hidden in the same DATA.
    c.send(
        "Subject: a\r\n\r\nhello\n.\nMAIL FROM:<ceo@victim.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n"
        "Subject: forged\r\n\r\nx\r\n.\r\n");
    std::string r = c.reply();
    EXPECT_EQ(r[0], '5') << r;
    EXPECT_NE(r.find("5.6.0"), std::string::npos) << r;
    EXPECT_TRUE(c.closed_by_peer());
    EXPECT_TRUE(handler.stored().empty());
    EXPECT_EQ(handler.store_calls, 0);
}

TEST(SmtpServer, BareCrInDataIsRefused) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    RawClient c(server.port());
    greet(c);
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    c.reply(), c.reply();
    EXPECT_EQ(code(c.reply()), "354");
    c.send("Subject: a\r\n\r\nhello\r.\rworld\r\n.\r\n");
    EXPECT_EQ(code(c.reply()), "554");
    EXPECT_TRUE(c.closed_by_peer());
    EXPECT_TRUE(handler.stored().empty());
}

TEST(SmtpServer, SizeLimitIsAdvertisedAndEnforced) {
    RecordingHandler handler;
    auto options = test_options();
    options.max_message_size = 1000;
    RunningServer server(handler, options);
    RawClient c(server.port());
    EXPECT_NE(greet(c).find("250-SIZE 1000"), std::string::npos);
    c.send("MAIL FROM:<a@x.example> SIZE=5000\r\n");
    std::string r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "552 5.3.4") << r;
    // A client that does not declare SIZE gets 552 after the final dot; the session goes on.
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    c.reply(), c.reply();
    EXPECT_EQ(code(c.reply()), "354");
    std::string big = "Subject: big\r\n\r\n";
    big.append(3000, 'x').append("\r\n").append(800, 'y').append("\r\n.\r\n");
    c.send(big);
    r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "552 5.3.4") << r;
    c.send("NOOP\r\n");
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_TRUE(handler.stored().empty());
}

TEST(SmtpServer, RecipientsAreCheckedAndCapped) {
    RecordingHandler handler;
    auto options = test_options();
    options.max_recipients = 2;
    RunningServer server(handler, options);
    RawClient c(server.port());
    greet(c);
    c.send("RCPT TO:<r1@in.example>\r\n");
    EXPECT_EQ(c.reply().substr(0, 3), "503") << "RCPT before MAIL";
    c.send("MAIL FROM:<>\r\nRCPT TO:<r1@in.example>\r\nRCPT TO:<r2@in.example>\r\nRCPT TO:<r3@in.example>\r\n");
    EXPECT_EQ(code(c.reply()), "250") << "the null sender (bounces) is accepted";
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "250");
    std::string r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "452 4.5.3") << r;
    c.send("RSET\r\nRCPT TO:<r1@in.example>\r\nVRFY someone\r\nMAIL FROM:<a@b.example> FOO=1\r\n");
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "503") << "RSET ends the transaction";
    EXPECT_EQ(code(c.reply()), "252");
    EXPECT_EQ(code(c.reply()), "555");
}

TEST(SmtpServer, MailNeedsHeloAndOverlongLinesAreRefused) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    RawClient c(server.port());
    EXPECT_EQ(code(c.reply()), "220");
    c.send("MAIL FROM:<a@b.example>\r\n");
    EXPECT_EQ(code(c.reply()), "503");
    std::string long_line(5000, 'A');
    c.send(long_line.append("\r\nNOOP\r\n"));
    std::string r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "500 5.5.2") << r;
    EXPECT_EQ(code(c.reply()), "250");
    c.send("HELO\r\nFROB\r\n");
    EXPECT_EQ(code(c.reply()), "501");
    EXPECT_EQ(code(c.reply()), "500");
}

TEST(SmtpServer, TooManyErrorsEndTheSession) {
    RecordingHandler handler;
    auto options = test_options();
    options.max_errors = 3;
    RunningServer server(handler, options);
    RawClient c(server.port());
    greet(c);
    c.send(
        "MAIL FROM:<a@x.example>\r\nRCPT TO:<u1@guess.example>\r\nRCPT TO:<u2@guess.example>\r\nRCPT "
        "TO:<u3@guess.example>\r\n");
    EXPECT_EQ(code(c.reply()), "250");
    EXPECT_EQ(code(c.reply()), "550");
    EXPECT_EQ(code(c.reply()), "550");
    EXPECT_EQ(code(c.reply()), "550");
    std::string r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "421 4.7.0") << "a directory harvest is cut short: " << r;
    EXPECT_TRUE(c.closed_by_peer());
}

TEST(SmtpServer, SessionCapAnswers421) {
    RecordingHandler handler;
    auto options = test_options();
    options.max_sessions = 2;
    RunningServer server(handler, options);
    auto first = std::make_unique<RawClient>(server.port());
    RawClient second(server.port());
    EXPECT_EQ(code(first->reply()), "220");
    EXPECT_EQ(code(second.reply()), "220");
    RawClient third(server.port());
    std::string r = third.reply();
    EXPECT_EQ(r.substr(0, 9), "421 4.3.2") << r;
    EXPECT_TRUE(third.closed_by_peer());
    first->send("QUIT\r\n");
    EXPECT_EQ(code(first->reply()), "221");
    first.reset();
    std::string greeting;
    wait_until(  // the slot frees once the session ends
        [&] {
            RawClient again(server.port());
            greeting = again.reply();
            return code(greeting) == "220";
        },
        60s);
    EXPECT_EQ(code(greeting), "220");
}

TEST(SmtpServer, IdleSessionTimesOut) {
    RecordingHandler handler;
    auto options = test_options();
    options.command_timeout = std::chrono::seconds(1);
    RunningServer server(handler, options);
    RawClient c(server.port());
    greet(c);
    std::string r = c.reply(5000);  // a bounded wait, not a measurement: the 421 is the timeout's work
    EXPECT_EQ(r.substr(0, 9), "421 4.4.2") << r;
    EXPECT_TRUE(c.closed_by_peer(3000));
}

TEST(SmtpServer, TwoFiftyOnlyAfterStoreReturned) {
    RecordingHandler handler;
    handler.delay_ms = 1500;
    RunningServer server(handler, test_options());
    RawClient c(server.port());
    greet(c);
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    c.reply(), c.reply();
    EXPECT_EQ(code(c.reply()), "354");
    c.send("Subject: slow\r\n\r\nbody\r\n.\r\n");
    std::string r = c.reply(10000);
    EXPECT_EQ(code(r), "250") << r;
    EXPECT_EQ(handler.store_returns, 1) << "250 arrived before store() returned";
}

TEST(SmtpServer, FailedStoreAnswers451AndTheSessionContinues) {
    RecordingHandler handler;
    handler.fail = true;
    RunningServer server(handler, test_options());
    RawClient c(server.port());
    greet(c);
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    c.reply(), c.reply();
    EXPECT_EQ(code(c.reply()), "354");
    c.send("Subject: lost?\r\n\r\nbody\r\n.\r\n");
    std::string r = c.reply();
    EXPECT_EQ(r.substr(0, 9), "451 4.3.0") << r;
    handler.fail = false;
    c.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    c.reply(), c.reply();
    EXPECT_EQ(code(c.reply()), "354");
    c.send("Subject: retried\r\n\r\nbody\r\n.\r\n");
    EXPECT_EQ(code(c.reply()), "250");
    ASSERT_EQ(handler.stored().size(), 1u);
    EXPECT_EQ(handler.stored()[0].raw, "Subject: retried\r\n\r\nbody\r\n");
}

TEST(SmtpServer, GracefulStopFinishesTheMessageInFlightAndSays421ToIdleSessions) {
    RecordingHandler handler;
    handler.delay_ms = 800;
    auto server = std::make_unique<RunningServer>(handler, test_options());
    int port = server->port();
    RawClient idle(port);
    greet(idle);
    RawClient busy(port);
    greet(busy);
    busy.send("MAIL FROM:<a@x.example>\r\nRCPT TO:<r@in.example>\r\nDATA\r\n");
    busy.reply(), busy.reply();
    EXPECT_EQ(code(busy.reply()), "354");
    busy.send("Subject: in flight\r\n\r\nbody\r\n.\r\n");
    ASSERT_TRUE(wait_until([&] { return handler.store_calls.load() == 1; }, 10s));  // store() is running now
    std::thread stopper([&] { server->stop(); });
    std::string r = idle.reply();
    EXPECT_EQ(r.substr(0, 9), "421 4.3.2") << r;
    EXPECT_EQ(code(busy.reply()), "250");
    EXPECT_EQ(busy.reply().substr(0, 3), "421");
    stopper.join();
    EXPECT_EQ(handler.stored().size(), 1u);
    EXPECT_THROW(RawClient refused(port), std::runtime_error) << "no longer listening";
}

}  // namespace
}  // namespace dh::test
