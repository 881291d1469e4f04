#include "http/framing.hpp"

#include <optional>
#include <string_view>

namespace dh::http {
namespace {

constexpr std::size_t kMaxLengthDigits = 18;  // < 2^63: no overflow while summing digits

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

/// The elements of a comma-separated field value (RFC 9110 §5.6.1), empty elements dropped.
void append_elements(std::string_view value, std::vector<std::string_view>& out) {
    while (true) {
        auto comma = value.find(',');
        auto element = trim_ows(value.substr(0, comma));
        if (!element.empty()) out.push_back(element);
        if (comma == std::string_view::npos) return;
        value.remove_prefix(comma + 1);
    }
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

std::optional<std::uint64_t> decimal(std::string_view s) {
    if (s.empty() || s.size() > kMaxLengthDigits) return std::nullopt;
    std::uint64_t n = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

FramingDecision refuse(std::string code, std::string detail) {
    FramingDecision d;
    d.code = std::move(code);
    d.detail = std::move(detail);
    return d;
}

}  // namespace

FramingDecision request_framing(const std::vector<std::pair<std::string, std::string>>& headers) {
    std::vector<std::string_view> codings;
    std::vector<std::string_view> lengths;
    bool has_transfer_encoding = false;
    bool has_content_length = false;
    for (auto& [name, value] : headers) {
        if (name == "transfer-encoding") {
            has_transfer_encoding = true;
            append_elements(value, codings);
        } else if (name == "content-length") {
            has_content_length = true;
            append_elements(value, lengths);
        }
    }
    if (has_transfer_encoding && has_content_length)
        return refuse("conflicting_framing", "A request must not carry both Transfer-Encoding and Content-Length.");
    FramingDecision d;
    d.ok = true;
    if (has_transfer_encoding) {
        // Only chunked, once: any other coding (or a parameter) would leave the body's end unknown
        // to us while an intermediary might read it differently (RFC 9112 §6.3).
        if (codings.size() != 1 || !iequals(codings.front(), "chunked"))
            return refuse("unsupported_transfer_encoding", "The only Transfer-Encoding accepted is chunked.");
        d.framing.kind = BodyFraming::Kind::chunked;
        return d;
    }
    if (!has_content_length) return d;
    std::optional<std::uint64_t> agreed;
    for (auto text : lengths) {
        auto n = decimal(text);
        if (!n) return refuse("invalid_content_length", "Content-Length must be a decimal number of bytes.");
        if (agreed && *agreed != *n)
            return refuse("conflicting_content_length", "The request carries Content-Length values that differ.");
        agreed = n;
    }
    if (!agreed) return refuse("invalid_content_length", "Content-Length must be a decimal number of bytes.");
    d.framing.kind = BodyFraming::Kind::content_length;
    d.framing.length = *agreed;
    return d;
}

bool parser_agrees(const BodyFraming& framing, bool parser_chunked, std::optional<std::uint64_t> parser_length) {
    switch (framing.kind) {
        case BodyFraming::Kind::none:
            return !parser_chunked && !parser_length;
        case BodyFraming::Kind::chunked:
            return parser_chunked && !parser_length;
        case BodyFraming::Kind::content_length:
            return !parser_chunked && parser_length == framing.length;
    }
    return false;
}

}  // namespace dh::http
