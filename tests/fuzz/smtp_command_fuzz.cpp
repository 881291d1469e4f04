// Inbound SMTP: command lines, MAIL/RCPT paths and the DATA stream (dot-unstuffing, size limit,
// bare CR/LF detection), fed in chunks of any size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "mail/smtp_server_protocol.hpp"

namespace smtpd = dh::mail::smtpd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t chunk = 1 + data[0] % 64;
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

    auto line_end = input.find("\r\n");
    auto line = input.substr(0, line_end);
    auto cmd = smtpd::parse_command(line);
    for (char c : cmd.verb)
        if (c >= 'a' && c <= 'z') std::abort();  // verbs are upper-cased
    for (auto keyword : {"FROM:", "TO:"}) {
        auto path = smtpd::parse_path_arg(cmd.arg, keyword);
        if (path.ok) {
            if (path.address.size() > 254) std::abort();
            for (unsigned char c : path.address)
                if (c < 0x21 || c > 0x7e) std::abort();  // printable ASCII only
        } else if (path.error.empty()) {
            std::abort();
        }
    }

    // The DATA stream: whatever follows the first line, with a small limit now and then.
    std::string_view body = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 2);
    smtpd::DataReader reader((data[0] & 0x80) ? 128 : 1 << 20);
    std::size_t used = 0;
    for (std::size_t at = 0; at < body.size() && !reader.done(); at += chunk) {
        auto piece = body.substr(at, chunk);
        auto n = reader.feed(piece);
        if (n > piece.size() || (n < piece.size() && !reader.done())) std::abort();
        used += n;
    }
    if (reader.done() && !reader.too_big() && !reader.bad_line_ending()) {
        const auto& m = reader.message();
        if (m.size() > used) std::abort();
        // Clean data ends every line in CRLF.
        for (std::size_t i = 0; i < m.size(); ++i) {
            if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r')) std::abort();
            if (m[i] == '\r' && (i + 1 == m.size() || m[i + 1] != '\n')) std::abort();
        }
    }
    return 0;
}
