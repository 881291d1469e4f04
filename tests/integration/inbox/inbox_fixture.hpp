#pragma once
// Shared by the inbox tests: a dispatch captured to files, and SMTP sessions to the server's
// inbound listener over a real socket.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/random.hpp"
#include "delivery/renderer.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "mail/message_id.hpp"
#include "mail/mime_parser.hpp"
#include "mail/smtp_test_support.hpp"

namespace dh::test {

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// CRLF line endings and dot-stuffing, ready for DATA.
inline std::string smtp_data(const std::string& message) {
    std::string out;
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        char c = message[i];
        if (line_start && c == '.') out += '.';
        if (c == '\n' && (i == 0 || message[i - 1] != '\r')) out += '\r';
        out += c;
        line_start = c == '\n';
    }
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    return out + ".\r\n";
}

struct SmtpExchange {
    std::string rcpt;  ///< the reply to RCPT TO
    std::string data;  ///< the reply after the final dot; empty when RCPT was refused
};

/// One SMTP transaction: EHLO, MAIL FROM, RCPT TO, DATA (only when RCPT was accepted), QUIT.
inline SmtpExchange smtp_send(int port, const std::string& from, const std::string& rcpt, const std::string& message) {
    RawClient c(port);
    c.reply();
    c.send("EHLO vendor.example\r\n");
    c.reply();
    c.send("MAIL FROM:<" + from + ">\r\n");
    c.reply();
    c.send("RCPT TO:<" + rcpt + ">\r\n");
    SmtpExchange x{c.reply(), ""};
    if (x.rcpt.rfind("250", 0) == 0) {
        c.send("DATA\r\n");
        c.reply();
        c.send(smtp_data(message));
        x.data = c.reply(30000);
    }
    c.send("QUIT\r\n");
    c.reply();
    return x;
}

/// A server with two tenants, acme and globex.
struct InboxTenants : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    TenantSession globex = platform.create_tenant("globex");
};

/// A tenant's completed dispatch to `n` imported vendors, and what its captured messages say.
struct SentDispatch {
    std::string id;
    nlohmann::json deliveries;  ///< sorted by email: ap0@vendor0.example first
    const nlohmann::json& delivery(int i) const { return deliveries[static_cast<std::size_t>(i)]; }
};

inline SentDispatch send_dispatch(TenantSession& t, const std::string& list, const std::string& subject = "RFQ 42") {
    auto created = t.http.post("/api/v1/dispatches", dispatch_body(list, subject));
    if (created.status != 201) throw std::runtime_error("dispatch -> " + created.body);
    SentDispatch s;
    s.id = created.json()["id"];
    auto d = wait_for_status(t, s.id, "completed");
    if (d["status"] != "completed") throw std::runtime_error("dispatch not completed: " + d.dump());
    auto page = t.http.get("/api/v1/dispatches/" + s.id + "/deliveries?limit=200").json();
    s.deliveries = page["items"];
    return s;
}

/// The captured message of a delivery, parsed.
inline mail::ParsedMessage captured(const TestServer& server, const std::string& delivery_id) {
    return mail::parse_message(read_text(server.data_dir() + "/outbox/" + delivery_id + ".eml"));
}

inline std::string bounce_address_of(const TestServer& server, const std::string& delivery_id) {
    return mail::bounce_address(delivery_id, "dispatchhub.localhost",
                                delivery::derive_routing_key(server.jwt_secret()));
}

/// A vendor's answer to a captured message: to its Reply-To, threaded with In-Reply-To.
inline std::string vendor_reply(const std::string& from, const std::string& to, const std::string& in_reply_to,
                                const std::string& body = "Thanks, our quote is attached in spirit.") {
    return "From: " + from + "\r\nTo: " + to + "\r\nSubject: Re: RFQ 42\r\nMessage-ID: <answer-" + random::hex(4) +
           "@vendor.example>\r\nIn-Reply-To: <" + in_reply_to + ">\r\nReferences: <" + in_reply_to +
           ">\r\nDate: Tue, 5 May 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
           "charset=utf-8\r\n\r\n" +
           body + "\r\n";
}

/// An RFC 3464 report for `recipient` (status e.g. 5.1.1 or 4.2.2) naming the original Message-ID.
inline std::string dsn(const std::string& to, const std::string& recipient, const std::string& status,
                       const std::string& original_message_id) {
    std::string action = status[0] == '5' ? "failed" : "delayed";
    return "From: MAILER-DAEMON@mx.vendor.example\r\nTo: " + to +
           "\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-" + random::hex(4) +
           "@mx.vendor.example>\r\nMIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
           "--b1\r\nContent-Type: text/plain\r\n\r\nThe mailbox does not exist.\r\n"
           "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.vendor.example\r\n\r\n"
           "Final-Recipient: rfc822; " +
           recipient + "\r\nAction: " + action + "\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; " +
           (status[0] == '5' ? "550 " : "452 ") + status +
           " mailbox problem\r\n\r\n"
           "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" +
           original_message_id + ">\r\nTo: " + recipient + "\r\n\r\n--b1--\r\n";
}

/// Files under DATA_DIR/inbound (the raw copies of received messages).
inline long raw_messages(const TestServer& server) {
    long n = 0;
    std::error_code ec;
    for (auto& e : std::filesystem::recursive_directory_iterator(server.data_dir() + "/inbound", ec))
        if (e.is_regular_file() && e.path().extension() == ".eml") ++n;
    return n;
}

}  // namespace dh::test
