// The inbound SMTP server against real clients: swaks and Python's smtplib (also over STARTTLS).
#include <gtest/gtest.h>

#include "mail/smtp_test_support.hpp"

namespace dh::test {
namespace {

// Debian's python (the first python3 on PATH is a separate build).
constexpr const char* kPython = "/usr/bin/python3";

constexpr const char* kClientScript = R"PY(
import smtplib, ssl, sys
mode, port = sys.argv[1], int(sys.argv[2])
msg = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"Subject: x\r\n\r\nx\r\n"
s = smtplib.SMTP("127.0.0.1", port, timeout=20)
if mode == "tls":
    s.ehlo()
    print("before-tls-starttls", s.has_extn("starttls"))
    s.starttls(context=ssl.create_default_context(cafile=sys.argv[4]))
    s.ehlo()
    print("after-tls-starttls", s.has_extn("starttls"))
try:
    rcpts = ["nobody@elsewhere.example"] if mode == "junk" else ["r1@in.example", "r2@in.example"]
    refused = s.sendmail("vendor@supplier.example", rcpts, msg)
    print("sent", sorted(refused))
except smtplib.SMTPRecipientsRefused as e:
    print("refused", list(e.recipients.values())[0][0])
except smtplib.SMTPSenderRefused as e:
    print("sender-refused", e.smtp_code)
s.quit()
)PY";

class SmtpClients : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = make_temp_dir();
        write_file(dir_ + "/client.py", kClientScript);
    }
    void TearDown() override { run_shell("rm -rf " + dir_); }

    std::string python(const std::string& mode, int port, const std::string& message_file = {},
                       const std::string& ca = {}) {
        std::string command = kPython;
        for (const std::string& arg : {dir_ + "/client.py", mode, std::to_string(port), message_file, ca})
            command.append(" ").append(arg);
        auto [rc, out] = run_shell(command);
        EXPECT_EQ(rc, 0) << out;
        return out;
    }

    std::string dir_;
};

TEST_F(SmtpClients, SwaksPipelinedMessageIsStoredWithCrlfAndUnstuffed) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    write_file(dir_ + "/m.eml", "From: v@supplier.example\nSubject: swaks\n\n.leading dot\nbody\n");
    auto [rc, out] = run_shell("swaks --pipeline --server 127.0.0.1:" + std::to_string(server.port()) +
                               " --from v@supplier.example --to r@in.example --data @" + dir_ + "/m.eml");
    EXPECT_EQ(rc, 0) << out;
    // Pipelined: MAIL, RCPT and DATA all went out before the first of their replies came back.
    ASSERT_NE(out.find(" -> DATA"), std::string::npos) << out;
    EXPECT_LT(out.find(" -> DATA"), out.find("<-  250 2.1.0")) << out;
    auto stored = handler.stored();
    ASSERT_EQ(stored.size(), 1u) << out;
    // swaks converts LF to CRLF, dot-stuffs, and ends the data with an empty line of its own.
    EXPECT_EQ(stored[0].raw, "From: v@supplier.example\r\nSubject: swaks\r\n\r\n.leading dot\r\nbody\r\n\r\n");
    EXPECT_EQ(stored[0].env.rcpt_to, std::vector<std::string>{"r@in.example"});
}

TEST_F(SmtpClients, SwaksUnknownRecipientIsRefusedAtRcpt) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    auto [rc, out] = run_shell("swaks --server 127.0.0.1:" + std::to_string(server.port()) +
                               " --from spam@elsewhere.example --to nobody@not-ours.example");
    EXPECT_NE(rc, 0);
    EXPECT_NE(out.find("<** 550 5.1.1"), std::string::npos) << out;
    EXPECT_EQ(handler.store_calls, 0);
}

TEST_F(SmtpClients, SmtplibMessageIsStoredByteExact) {
    RecordingHandler handler;
    RunningServer server(handler, test_options());
    std::string message =
        "From: Vendor <v@supplier.example>\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        ".\r\n..two\r\nGrüße aus München\r\n";
    write_file(dir_ + "/m.eml", message);
    EXPECT_NE(python("send", server.port(), dir_ + "/m.eml").find("sent []"), std::string::npos);
    auto stored = handler.stored();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].raw, message);
    EXPECT_EQ(stored[0].env.rcpt_to, (std::vector<std::string>{"r1@in.example", "r2@in.example"}));
}

TEST_F(SmtpClients, SmtplibJunkAndOversizeAreRefused) {
    RecordingHandler handler;
    auto options = test_options();
    options.max_message_size = 2000;
    RunningServer server(handler, options);
    EXPECT_NE(python("junk", server.port()).find("refused 550"), std::string::npos);
    std::string big = "Subject: big\r\n\r\n";
    big.append(5000, 'x').append("\r\n");
    write_file(dir_ + "/big.eml", big);
    // smtplib declares SIZE= on MAIL FROM once we advertise SIZE: refused before any data moves.
    EXPECT_NE(python("send", server.port(), dir_ + "/big.eml").find("sender-refused 552"), std::string::npos);
    EXPECT_EQ(handler.store_calls, 0);
}

TEST_F(SmtpClients, StartTlsWithAGeneratedCertificate) {
    auto [rc, out] = run_shell("cd " + dir_ +
                               " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2"
                               " -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1");
    ASSERT_EQ(rc, 0) << out;
    RecordingHandler handler;
    auto options = test_options();
    options.tls_cert_file = dir_ + "/cert.pem";
    options.tls_key_file = dir_ + "/key.pem";
    RunningServer server(handler, options);
    write_file(dir_ + "/m.eml", "Subject: over TLS\r\n\r\nsecret quote\r\n");
    std::string result = python("tls", server.port(), dir_ + "/m.eml", dir_ + "/cert.pem");
    EXPECT_NE(result.find("before-tls-starttls True"), std::string::npos) << result;
    EXPECT_NE(result.find("after-tls-starttls False"), std::string::npos) << result;
    EXPECT_NE(result.find("sent []"), std::string::npos) << result;
    auto stored = handler.stored();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_TRUE(stored[0].env.tls);
    EXPECT_EQ(stored[0].raw, "Subject: over TLS\r\n\r\nsecret quote\r\n");
}

TEST_F(SmtpClients, PlaintextPipelinedAfterStartTlsIsDiscarded) {
    run_shell("cd " + dir_ +
              " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2"
              " -subj /CN=localhost");
    RecordingHandler handler;
    auto options = test_options();
    options.tls_cert_file = dir_ + "/cert.pem";
    options.tls_key_file = dir_ + "/key.pem";
    RunningServer server(handler, options);
    // A command injected in clear text right behind STARTTLS (CVE-2011-0411) must be dropped,
    // not executed once TLS is up.
    RawClient c(server.port());
    EXPECT_EQ(c.reply().substr(0, 3), "220");
    c.send("EHLO x\r\n");
    EXPECT_NE(c.reply().find("STARTTLS"), std::string::npos);
    c.send("STARTTLS\r\nMAIL FROM:<injected@evil.example>\r\n");
    EXPECT_EQ(c.reply().substr(0, 3), "220");
    EXPECT_EQ(c.reply(1000), "") << "the injected MAIL must not be answered";
}

}  // namespace
}  // namespace dh::test
