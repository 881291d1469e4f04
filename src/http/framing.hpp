#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dh::http {

/// How the body of a request is delimited from what follows it on the connection (RFC 9112 §6).
struct BodyFraming {
    enum class Kind { none, content_length, chunked };
    Kind kind = Kind::none;
    std::uint64_t length = 0;  ///< for content_length
};

/// The framing of a request, or why it cannot be trusted. When `ok` is false the request must be
/// answered 400 and the connection closed: reading on would let the peer and us disagree about
/// where the next request starts (request smuggling).
struct FramingDecision {
    bool ok = false;
    BodyFraming framing;
    std::string code;    ///< problem code when refused, e.g. "unsupported_transfer_encoding"
    std::string detail;  ///< human explanation when refused
};

/// Decides the framing from the request's header fields (names lower-cased, as received, repeated
/// fields kept). Accepted: no body headers; one or more Content-Length values that all agree;
/// Transfer-Encoding exactly `chunked` without Content-Length. Everything else is refused.
FramingDecision request_framing(const std::vector<std::pair<std::string, std::string>>& headers);

/// True when an HTTP parser's own reading of the same head (chunked or not, its Content-Length)
/// delimits the body exactly as `framing` does. The server reads bodies with Beast: if the two
/// ever disagreed, the bytes we take as the body would not be the ones an intermediary forwarded.
bool parser_agrees(const BodyFraming& framing, bool parser_chunked, std::optional<std::uint64_t> parser_length);

}  // namespace dh::http
