#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

/// The pure parts of the inbound SMTP server (RFC 5321): command lines, paths, and the DATA
/// stream. No I/O, so every edge case is unit-testable.
namespace dh::mail::smtpd {

struct Command {
    std::string verb;  ///< upper-cased ("MAIL", "EHLO", ...)
    std::string arg;   ///< the rest of the line after one space, trailing spaces removed
};

Command parse_command(std::string_view line);

/// The argument of MAIL ("FROM:<a@b> SIZE=10 BODY=8BITMIME") or RCPT ("TO:<a@b>").
struct PathArg {
    bool ok = false;
    std::string address;                        ///< without <>; empty for the null reverse-path
    std::map<std::string, std::string> params;  ///< ESMTP parameters, keys upper-cased
    int code = 501;                             ///< when !ok
    std::string error;                          ///< when !ok: the reply text after the code
};

/// `keyword` is "FROM:" or "TO:". A source route (@a,@b:user@host) is dropped. Addresses must be
/// printable ASCII (we do not offer SMTPUTF8) of at most 254 octets.
PathArg parse_path_arg(std::string_view arg, std::string_view keyword);

/// Reads the DATA stream of one message: finds the end (only <CRLF>.<CRLF> ends clean data),
/// removes dot-stuffing, enforces the size limit and notices bare CR or LF line endings, which we
/// refuse: lenient parsing of those is what SMTP smuggling (CVE-2023-51764) exploits.
///
/// With `normalize_bare_lf` (Postfix's smtpd_forbid_bare_newline = normalize) a line ending in a
/// bare LF is accepted as if it ended in CRLF, but only a "." line with CRLF before and after it
/// ends the data: a dot line framed by a bare LF is content, so a smuggled second message stays
/// inside the first. Bare CR is refused either way.
class DataReader {
public:
    explicit DataReader(std::size_t max_size, bool normalize_bare_lf = false)
        : max_size_(max_size), normalize_(normalize_bare_lf) {}

    /// Consumes bytes; returns how many it used (less than `in.size()` only once done(): the
    /// rest belongs to the next command, e.g. a pipelined QUIT).
    std::size_t feed(std::string_view in);

    bool done() const { return done_; }
    bool too_big() const { return too_big_; }
    /// A line ended in a bare LF, or a CR appeared outside CRLF. Once set, a lone "." ended by a
    /// bare LF also ends the data, so that the whole attempt is refused as one message.
    bool bad_line_ending() const { return bad_; }
    /// The message: dot-unstuffed, every line ending CRLF. Empty when too_big().
    std::string& message() { return message_; }

private:
    void process_line(std::string_view line);
    void drop_long_partial();

    std::size_t max_size_;
    bool normalize_ = false;
    bool prev_crlf_ = true;  // the line before ended in CRLF (the DATA command's counts)
    std::string message_;
    std::string partial_;     // an incomplete line carried between feeds
    bool continued_ = false;  // partial_ is the tail of a line already partly dropped
    bool done_ = false;
    bool too_big_ = false;
    bool bad_ = false;
};

}  // namespace dh::mail::smtpd
