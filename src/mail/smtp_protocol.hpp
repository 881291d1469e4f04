#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

/// The SMTP wire format as pure functions (no I/O): replies, EHLO capabilities, the DATA payload.
namespace dh::mail::smtp {

/// One (possibly multi-line) reply: "250-first\r\n250 last\r\n".
struct Reply {
    int code = 0;
    std::string enhanced;  ///< RFC 3463 status of the first line ("5.1.1"), empty when absent
    std::string text;      ///< the lines without their codes, joined with "\n"

    bool positive() const { return code >= 200 && code < 400; }
    bool transient() const { return code >= 400 && code < 500; }
    bool permanent() const { return code >= 500; }
    /// One line for results and logs: "550 5.1.1 no such user" (multi-line text joined with " ").
    std::string summary() const;
};

/// Incremental parser: feed the received bytes, take complete replies out in order.
class ReplyParser {
public:
    enum class Status { complete, incomplete, malformed };
    /// Looks for one complete reply at the start of `buffer`; on `complete`, `consumed` bytes belong to it.
    static Status parse(std::string_view buffer, Reply& reply, std::size_t& consumed);
    /// A reply longer than this is a broken (or hostile) peer.
    static constexpr std::size_t kMaxReplyBytes = 64 * 1024;
};

/// What the server offered in its EHLO reply.
struct Capabilities {
    bool pipelining = false;
    bool starttls = false;
    bool eight_bit_mime = false;
    bool smtputf8 = false;
    bool auth_plain = false;
    bool auth_login = false;
    bool auth_offered = false;              ///< any AUTH line, even with mechanisms we do not speak
    std::optional<std::size_t> size_limit;  ///< SIZE n (n > 0); SIZE without or with 0 = no limit announced

    static Capabilities parse(const Reply& ehlo_reply);
};

/// The DATA payload: every line ending made CRLF (bare LF and bare CR too, so no peer can see a
/// different line structure than we do), lines starting with '.' doubled, then "\r\n.\r\n".
void append_data_payload(std::string& out, std::string_view message);

/// True when any byte is >= 0x80 (needs BODY=8BITMIME / SMTPUTF8).
bool has_eight_bit(std::string_view s);

}  // namespace dh::mail::smtp
