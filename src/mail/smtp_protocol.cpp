#include "mail/smtp_protocol.hpp"

#include <cctype>

#include "common/strings.hpp"

namespace dh::mail::smtp {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// "5.1.1 rest" → "5.1.1" (class.subject.detail, RFC 3463), else empty.
std::string enhanced_code(std::string_view text) {
    std::size_t i = 0;
    if (text.empty() || (text[0] != '2' && text[0] != '4' && text[0] != '5')) return {};
    i = 1;
    for (int part = 0; part < 2; ++part) {
        if (i >= text.size() || text[i] != '.') return {};
        std::size_t start = ++i;
        while (i < text.size() && is_digit(text[i]) && i - start < 3) ++i;
        if (i == start) return {};
    }
    if (i < text.size() && text[i] != ' ') return {};
    return std::string(text.substr(0, i));
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

std::string Reply::summary() const {
    std::string out = std::to_string(code);
    if (!text.empty()) out += " ";
    for (char c : text) out += c == '\n' ? ' ' : c;
    return out;
}

ReplyParser::Status ReplyParser::parse(std::string_view buffer, Reply& reply, std::size_t& consumed) {
    reply = Reply{};
    std::size_t pos = 0;
    bool first = true;
    for (;;) {
        auto eol = buffer.find('\n', pos);
        if (eol == std::string_view::npos)
            return buffer.size() > kMaxReplyBytes ? Status::malformed : Status::incomplete;
        if (eol > kMaxReplyBytes) return Status::malformed;
        std::string_view line = buffer.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return Status::malformed;
        int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (code < 200 || code > 599 || (!first && code != reply.code)) return Status::malformed;
        char sep = line.size() > 3 ? line[3] : ' ';
        if (sep != ' ' && sep != '-') return Status::malformed;
        std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view{};
        if (first) {
            reply.code = code;
            reply.enhanced = enhanced_code(text);
        } else {
            reply.text += '\n';
        }
        reply.text += text;
        first = false;
        pos = eol + 1;
        if (sep == ' ') {
            consumed = pos;
            return Status::complete;
        }
    }
}

Capabilities Capabilities::parse(const Reply& ehlo_reply) {
    Capabilities caps;
    // The first line is the server's greeting name; each further line is one extension.
    auto lines = strings::split(ehlo_reply.text, '\n');
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto words = strings::split(strings::trim(upper(lines[i])), ' ');
        if (words.empty()) continue;
        const auto& kw = words[0];
        if (kw == "PIPELINING") {
            caps.pipelining = true;
        } else if (kw == "STARTTLS") {
            caps.starttls = true;
        } else if (kw == "8BITMIME") {
            caps.eight_bit_mime = true;
        } else if (kw == "SMTPUTF8") {
            caps.smtputf8 = true;
        } else if (kw == "SIZE") {
            if (words.size() > 1 && !words[1].empty() && words[1].size() < 16) {
                std::size_t n = 0;
                bool ok = true;
                for (char c : words[1]) {
                    ok = ok && is_digit(c);
                    n = n * 10 + static_cast<std::size_t>(c - '0');
                }
                if (ok && n > 0) caps.size_limit = n;
            }
        } else if (kw == "AUTH" || kw.starts_with("AUTH=")) {
            // "AUTH=LOGIN PLAIN" is the pre-standard form some old servers still send.
            caps.auth_offered = true;
            if (kw.starts_with("AUTH=")) words[0] = kw.substr(5);
            for (std::size_t w = kw == "AUTH" ? 1 : 0; w < words.size(); ++w) {
                caps.auth_plain = caps.auth_plain || words[w] == "PLAIN";
                caps.auth_login = caps.auth_login || words[w] == "LOGIN";
            }
        }
    }
    return caps;
}

void append_data_payload(std::string& out, std::string_view message) {
    out.reserve(out.size() + message.size() + message.size() / 64 + 8);
    bool line_start = true;
    for (std::size_t i = 0; i < message.size(); ++i) {
        char c = message[i];
        if (c == '\r' || c == '\n') {
            // CRLF, bare LF and bare CR each end exactly one line.
            if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
            out += "\r\n";
            line_start = true;
            continue;
        }
        if (line_start && c == '.') out += '.';
        out += c;
        line_start = false;
    }
    if (!line_start) out += "\r\n";
    out += ".\r\n";
}

bool has_eight_bit(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return true;
    return false;
}

}  // namespace dh::mail::smtp
