#include "mail/mime_encode.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "common/digest.hpp"

namespace dh::mail::mime {
namespace {

constexpr std::size_t kQpLine = 76;            // RFC 2045 §6.7 rule 5, including the soft-break "="
constexpr std::size_t kWordBytes = 39;         // 39 bytes → 52 base64 chars → a 64-char encoded-word
constexpr std::size_t kLongestPlainWord = 60;  // longer words are encoded so that they can be split
constexpr std::size_t kParamSegment = 48;      // RFC 2231 continuation segment (encoded chars)
constexpr char kHex[] = "0123456789ABCDEF";

std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead & 0xe0) == 0xc0) return 2;
    if ((lead & 0xf0) == 0xe0) return 3;
    if ((lead & 0xf8) == 0xf0) return 4;
    return 1;  // invalid lead byte: callers validate UTF-8 first; never loop forever
}

bool is_atext(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_attribute_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

/// Splits on spaces, dropping empty pieces (runs of spaces collapse to one).
std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto end = s.find(' ', i);
        if (end == std::string_view::npos) end = s.size();
        if (end > i) out.emplace_back(s.substr(i, end - i));
        i = end + 1;
    }
    return out;
}

void qp_byte(std::string& out, unsigned char c) {
    out += '=';
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
}

/// Encodes one line (no CRLF) into `out` with soft breaks.
void qp_line(std::string& out, std::string_view line) {
    std::size_t len = 0;
    std::string unit;
    for (std::size_t i = 0; i < line.size(); ++i) {
        auto c = static_cast<unsigned char>(line[i]);
        bool last = i + 1 == line.size();
        unit.clear();
        bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
        // At the start of an output line, "." and the "F" of "From " are encoded too.
        if (len == 0 && (c == '.' || (c == 'F' && line.substr(i, 5) == "From "))) literal = false;
        if (literal) {
            unit += static_cast<char>(c);
        } else {
            qp_byte(unit, c);
        }
        // Keep room for the soft-break "=" unless this is the line's last unit.
        std::size_t limit = last ? kQpLine : kQpLine - 1;
        if (len + unit.size() > limit) {
            out += "=\r\n";
            len = 0;
            if (unit == ".") unit = "=2E";
            if (unit == "F" && line.substr(i, 5) == "From ") unit = "=46";
        }
        out += unit;
        len += unit.size();
    }
}

}  // namespace

std::string normalize_crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 40);
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out += "\r\n";
        } else {
            out += c;
        }
    }
    return out;
}

bool fits_7bit(std::string_view text) {
    if (text.find("=_") != std::string_view::npos) return false;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\r\n", start);
        if (end == std::string_view::npos) end = text.size();
        auto line = text.substr(start, end - start);
        if (line.size() > kQpLine || line.starts_with('.') || line.starts_with("From ")) return false;
        if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) return false;
        for (char c : line) {
            if ((c < 0x20 || c > 0x7e) && c != '\t') return false;
        }
        start = end + 2;
    }
    return true;
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find("\r\n", start);
        bool has_break = end != std::string_view::npos;
        if (!has_break) end = text.size();
        qp_line(out, text.substr(start, end - start));
        out += "\r\n";
        start = has_break ? end + 2 : text.size();
    }
    return out;
}

std::string base64_lines(std::string_view bytes) {
    constexpr std::size_t kChunk = 57;  // 57 bytes → 76 characters
    std::string out;
    out.reserve(bytes.size() * 4 / 3 + bytes.size() / 28 + 8);
    std::string line(80, '\0');
    for (std::size_t i = 0; i < bytes.size(); i += kChunk) {
        auto chunk = bytes.substr(i, kChunk);
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(line.data()),
                                reinterpret_cast<const unsigned char*>(chunk.data()), static_cast<int>(chunk.size()));
        out.append(line.data(), static_cast<std::size_t>(n));
        out += "\r\n";
    }
    return out;
}

std::vector<std::string> encoded_words(std::string_view utf8) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < utf8.size()) {
        std::size_t end = i;
        while (end < utf8.size()) {
            std::size_t len = utf8_length(static_cast<unsigned char>(utf8[end]));
            if (end + len - i > kWordBytes) break;
            end += len;
        }
        if (end == i) end = std::min(utf8.size(), i + utf8_length(static_cast<unsigned char>(utf8[i])));
        out.push_back("=?UTF-8?B?" + digest::base64(utf8.substr(i, end - i)) + "?=");
        i = end;
    }
    return out;
}

bool is_printable_ascii(std::string_view s) {
    for (char c : s) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

std::string fold_header(std::string_view name, const std::vector<std::string>& tokens) {
    std::string out(name);
    out += ':';
    std::size_t line_len = out.size();
    bool first = true;
    for (const auto& t : tokens) {
        if (!first && line_len + 1 + t.size() > kPreferredLine) {
            out += "\r\n";
            line_len = 0;
        }
        out += ' ';
        out += t;
        line_len += 1 + t.size();
        first = false;
    }
    out += "\r\n";
    return out;
}

std::vector<std::string> unstructured_tokens(std::string_view value) {
    auto plain = words(value);
    bool encode = !is_printable_ascii(value) || value.find("=?") != std::string_view::npos;
    for (const auto& w : plain) encode = encode || w.size() > kLongestPlainWord;
    if (!encode) return plain;
    std::string joined;
    for (const auto& w : plain) joined += (joined.empty() ? "" : " ") + w;
    return encoded_words(joined);
}

std::vector<std::string> phrase_tokens(std::string_view name) {
    if (!is_printable_ascii(name) || name.find("=?") != std::string_view::npos || name.size() > kLongestPlainWord) {
        return encoded_words(name);
    }
    auto atoms = words(name);
    bool plain = true;
    for (const auto& a : atoms) {
        for (char c : a) plain = plain && is_atext(c);
    }
    if (plain) return atoms;
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    return {quoted};
}

std::vector<std::string> parameter_tokens(std::string_view attribute, std::string_view value) {
    std::string attr(attribute);
    // "=?" is encoded too: many readers decode an encoded-word even inside a quoted parameter value.
    if (is_printable_ascii(value) && value.size() <= kLongestPlainWord && value.find("=?") == std::string_view::npos) {
        std::string token = attr + "=\"";
        for (char c : value) {
            if (c == '"' || c == '\\') token += '\\';
            token += c;
        }
        return {token + "\""};
    }
    // RFC 2231 extended value, cut into continuations between characters.
    std::vector<std::string> segments(1);
    std::size_t i = 0;
    while (i < value.size()) {
        std::size_t len = std::min(utf8_length(static_cast<unsigned char>(value[i])), value.size() - i);
        std::string enc;
        for (std::size_t k = 0; k < len; ++k) {
            char c = value[i + k];
            if (is_attribute_char(c)) {
                enc += c;
            } else {
                qp_byte(enc, static_cast<unsigned char>(c));
                enc[enc.size() - 3] = '%';
            }
        }
        if (!segments.back().empty() && segments.back().size() + enc.size() > kParamSegment) segments.emplace_back();
        segments.back() += enc;
        i += len;
    }
    if (segments.size() == 1) return {attr + "*=utf-8''" + segments[0]};
    std::vector<std::string> out;
    for (std::size_t k = 0; k < segments.size(); ++k) {
        std::string token = attr + "*" + std::to_string(k) + "*=" + (k == 0 ? "utf-8''" : "") + segments[k];
        if (k + 1 < segments.size()) token += ';';
        out.push_back(std::move(token));
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += "0123456789abcdef"[md[i] >> 4];
        out += "0123456789abcdef"[md[i] & 0x0f];
    }
    return out;
}

}  // namespace dh::mail::mime
