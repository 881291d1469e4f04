#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dh::mail {

/// The SMTP envelope of one received message (what the client said, not what the headers say).
struct InboundEnvelope {
    std::string session_id;  ///< random, for logs: ties the message to its SMTP session
    std::string client_ip;
    std::string helo;                  ///< HELO/EHLO argument as given
    std::string mail_from;             ///< reverse-path without <>; empty for the null sender (bounces)
    std::vector<std::string> rcpt_to;  ///< accepted recipients only, in order, without <>
    bool tls = false;                  ///< the message arrived after STARTTLS
    bool body_8bitmime = false;        ///< MAIL FROM carried BODY=8BITMIME
};

/// Answer to one RCPT TO. Refusals carry the SMTP code and the text after it (with the enhanced
/// status code first), e.g. {550, "5.1.1 <x@y>: Recipient address rejected: not routed here"}.
struct RcptVerdict {
    bool accepted = false;
    int code = 550;
    std::string text = "5.1.1 Recipient address rejected: not routed here";

    static RcptVerdict accept() { return {true, 250, "2.1.5 Ok"}; }
    static RcptVerdict refuse(int code, std::string text) { return {false, code, std::move(text)}; }
};

/// Answer to a complete message. `stored` means durably stored: only then does the client get 250.
/// A failure gets `code` (4xx: the client retries later; 5xx: permanent refusal).
struct StoreVerdict {
    bool stored = false;
    std::string id;  ///< shown as "250 2.0.0 Ok: queued as <id>"
    int code = 451;
    std::string text = "4.3.0 Error: message not stored, try again later";

    static StoreVerdict ok(std::string id) { return {true, std::move(id), 250, "2.0.0 Ok"}; }
    static StoreVerdict fail(int code, std::string text) { return {false, {}, code, std::move(text)}; }
};

/// What the inbound SMTP server asks the application. Both calls run on the server's handler pool
/// (never on the I/O thread), concurrently for different sessions: implementations are thread-safe
/// and may block (database). An exception counts as a temporary failure (451).
class InboundHandler {
public:
    virtual ~InboundHandler() = default;
    /// Accept or refuse one recipient (without <>). Refuse what we do not route (550 5.1.1): the
    /// listener is not an open relay.
    virtual RcptVerdict check_recipient(const std::string& rcpt) = 0;
    /// Called after the final dot with the message exactly as received (dot-unstuffed, CRLF line
    /// endings, no header added). Return success only once the message is durably stored.
    virtual StoreVerdict store(const InboundEnvelope& env, std::string_view raw) = 0;
};

}  // namespace dh::mail
