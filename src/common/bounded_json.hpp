#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace dh::json {

/// Limits for parsing JSON that comes from outside (request bodies, SNS/SES messages, AWS and
/// other peers' responses). The depth is checked while parsing: a document nested deeper than
/// `max_depth` stops the parser at that level, so no later recursive walk (dump(), comparison,
/// hashing) ever sees an unbounded tree.
struct Limits {
    std::size_t max_depth = 64;               ///< nesting of arrays and objects
    std::size_t max_bytes = 16u << 20;        ///< the text itself
    std::size_t max_string_bytes = 4u << 20;  ///< one string or key
};

enum class ParseFailure { none, too_large, too_deep, string_too_long, malformed };

struct ParseResult {
    std::optional<nlohmann::json> value;  ///< set when the text parsed within the limits
    ParseFailure failure = ParseFailure::none;
    std::string reason;  ///< human explanation of the failure
};

/// Parses `text` within `limits`, never throwing and never recursing over the document.
ParseResult parse_bounded(std::string_view text, const Limits& limits = {});

/// The same, for peers' answers where any failure just means "not usable": nullopt then.
std::optional<nlohmann::json> parse_or_null(std::string_view text, const Limits& limits = {});

/// For request bodies: the parsed value, or dh::Error — 413 body_too_large, 422 json_too_deep /
/// json_string_too_long, 400 malformed_json — naming the problem.
nlohmann::json parse_request(std::string_view text, const Limits& limits = {});

}  // namespace dh::json
