#pragma once
// Small, independent decoders used by the MIME tests to check what the builder wrote. They are
// written from the RFCs, not from the builder's code, so a shared misunderstanding is unlikely;
// the Python check (tests/tools/check_mime.py) is the fully independent parser.
#include <strings.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dh::mail::testing {

inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

inline std::string qp_decode(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '=') {
            out += in[i];
        } else if (in.substr(i + 1, 2) == "\r\n") {
            i += 2;  // soft line break
        } else {
            out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        }
    }
    return out;
}

inline std::string base64_decode(std::string_view in) {
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        auto pos = kAlphabet.find(c);
        if (pos == std::string::npos) continue;  // CRLF, padding
        buffer = (buffer << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

/// Decodes RFC 2047 encoded-words (B and Q, any case), dropping white space between adjacent words.
inline std::string decode_words(std::string_view v) {
    std::string out;
    std::string pending_space;
    bool last_was_word = false;
    std::size_t i = 0;
    while (i < v.size()) {
        if (v.substr(i, 2) == "=?") {
            auto q1 = v.find('?', i + 2);
            auto q2 = v.find('?', q1 + 1);
            auto end = v.find("?=", q2 + 1);
            char enc = static_cast<char>(v[q1 + 1] | 0x20);
            auto payload = v.substr(q2 + 1, end - q2 - 1);
            std::string decoded;
            if (enc == 'b') {
                decoded = base64_decode(payload);
            } else {
                std::string p(payload);
                for (auto& c : p) c = c == '_' ? ' ' : c;
                decoded = qp_decode(p);
            }
            if (!last_was_word) out += pending_space;
            pending_space.clear();
            out += decoded;
            last_was_word = true;
            i = end + 2;
        } else if (v[i] == ' ' || v[i] == '\t') {
            pending_space += v[i++];
        } else {
            out += pending_space;
            pending_space.clear();
            out += v[i++];
            last_was_word = false;
        }
    }
    return out + pending_space;
}

struct Entity {
    std::vector<std::pair<std::string, std::string>> headers;  // name as written, unfolded value
    std::string body;

    /// The first header of that name (case-insensitive), or "".
    std::string header(std::string_view name) const {
        for (const auto& [n, v] : headers) {
            if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                    return std::tolower(a) == std::tolower(b);
                })) {
                return v;
            }
        }
        return "";
    }
    std::size_t count(std::string_view name) const {
        std::size_t n = 0;
        for (const auto& h : headers) n += strcasecmp(h.first.c_str(), std::string(name).c_str()) == 0;
        return n;
    }
};

/// Splits "headers CRLF CRLF body", unfolding continuation lines (CRLF before WSP removed).
inline Entity parse_entity(std::string_view raw) {
    Entity e;
    auto split = raw.find("\r\n\r\n");
    std::string_view head = raw.substr(0, split);
    e.body = split == std::string_view::npos ? "" : std::string(raw.substr(split + 4));
    std::size_t i = 0;
    while (i < head.size()) {
        auto end = head.find("\r\n", i);
        if (end == std::string_view::npos) end = head.size();
        std::string_view line = head.substr(i, end - i);
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !e.headers.empty()) {
            e.headers.back().second += std::string(line);
        } else {
            auto colon = line.find(':');
            std::string value(colon == std::string_view::npos ? "" : line.substr(colon + 1));
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            e.headers.emplace_back(std::string(line.substr(0, colon)), value);
        }
        i = end + 2;
    }
    return e;
}

/// The parameter `name` of a header value (quoted or token), or "".
inline std::string param(std::string_view value, std::string_view name) {
    std::string key = std::string(name) + "=";
    auto pos = value.find(key);
    if (pos == std::string_view::npos) return "";
    auto v = value.substr(pos + key.size());
    if (!v.empty() && v[0] == '"') return std::string(v.substr(1, v.find('"', 1) - 1));
    return std::string(v.substr(0, v.find_first_of("; ")));
}

/// The parts of a multipart body (each part without the CRLF that precedes the next delimiter).
inline std::vector<std::string> multipart_parts(std::string_view body, std::string_view boundary) {
    std::vector<std::string> parts;
    std::string delim = "--" + std::string(boundary);
    auto pos = body.find(delim);
    while (pos != std::string_view::npos) {
        auto start = body.find("\r\n", pos) + 2;
        auto next = body.find("\r\n" + delim, start);
        if (next == std::string_view::npos || body.substr(pos + delim.size(), 2) == "--") break;
        parts.emplace_back(body.substr(start, next - start));
        pos = next + 2;
    }
    return parts;
}

/// Every line (split on CRLF) of a message; a bare CR or LF makes the test fail elsewhere.
inline std::vector<std::string_view> lines(std::string_view raw) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < raw.size()) {
        auto end = raw.find("\r\n", i);
        if (end == std::string_view::npos) end = raw.size();
        out.push_back(raw.substr(i, end - i));
        i = end + 2;
    }
    return out;
}

/// True when every line break is CRLF.
inline bool only_crlf(std::string_view raw) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) return false;
        if (raw[i] == '\r' && (i + 1 == raw.size() || raw[i + 1] != '\n')) return false;
    }
    return true;
}

}  // namespace dh::mail::testing
