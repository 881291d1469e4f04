#include "common/bounded_json.hpp"

#include <vector>

#include "common/error.hpp"

namespace dh::json {
namespace {

using nlohmann::json;

/// Builds the document on an explicit stack of open containers (no recursion) and refuses, while
/// parsing, anything deeper or longer than the limits: returning false stops nlohmann's parser.
class BoundedBuilder {
public:
    explicit BoundedBuilder(const Limits& limits) : limits_(limits) {}

    bool null() { return put(json(nullptr)); }
    bool boolean(bool v) { return put(json(v)); }
    bool number_integer(json::number_integer_t v) { return put(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
    bool number_float(json::number_float_t v, const std::string&) { return put(json(v)); }
    bool string(std::string& v) {
        if (!string_fits(v)) return false;
        return put(json(std::move(v)));
    }
    bool binary(json::binary_t&) { return fail(ParseFailure::malformed, "binary values are not JSON"); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool key(std::string& k) {
        if (!string_fits(k)) return false;
        pending_key_ = std::move(k);
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
        return fail(ParseFailure::malformed, "not valid JSON (at byte " + std::to_string(position) + ")");
    }

    ParseFailure failure() const { return failure_; }
    const std::string& reason() const { return reason_; }
    json take() { return std::move(root_); }

private:
    bool fail(ParseFailure f, std::string reason) {
        if (failure_ == ParseFailure::none) {
            failure_ = f;
            reason_ = std::move(reason);
        }
        return false;
    }

    bool string_fits(const std::string& s) {
        if (s.size() <= limits_.max_string_bytes) return true;
        return fail(ParseFailure::string_too_long,
                    "a string is longer than " + std::to_string(limits_.max_string_bytes) + " bytes");
    }

    /// Places a value in the innermost open container (or as the root); returns where it went.
    json* place(json&& v) {
        if (open_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json& parent = *open_.back();
        if (parent.is_array()) {
            parent.push_back(std::move(v));
            return &parent.back();
        }
        json& slot = parent[pending_key_];
        slot = std::move(v);
        return &slot;
    }

    bool put(json&& v) {
        place(std::move(v));
        return true;
    }

    bool open(json&& container) {
        if (open_.size() >= limits_.max_depth)
            return fail(ParseFailure::too_deep, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
        open_.push_back(place(std::move(container)));
        return true;
    }

    bool close() {
        open_.pop_back();
        return true;
    }

    const Limits& limits_;
    json root_;
    std::vector<json*> open_;  // pointers stay valid: a container's own address never moves while open
    std::string pending_key_;
    ParseFailure failure_ = ParseFailure::none;
    std::string reason_;
};

}  // namespace

ParseResult parse_bounded(std::string_view text, const Limits& limits) {
    ParseResult result;
    if (text.size() > limits.max_bytes) {
        result.failure = ParseFailure::too_large;
        result.reason = "larger than " + std::to_string(limits.max_bytes) + " bytes";
        return result;
    }
    BoundedBuilder builder(limits);
    bool ok = false;
    try {
        ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                                       /*strict=*/true, /*ignore_comments=*/false);
    } catch (const std::exception&) {  // e.g. invalid UTF-8 reported by the lexer as an exception
        ok = false;
    }
    if (!ok) {
        result.failure = builder.failure() == ParseFailure::none ? ParseFailure::malformed : builder.failure();
        result.reason = builder.reason().empty() ? "not valid JSON" : builder.reason();
        return result;
    }
    result.value = builder.take();
    return result;
}

std::optional<nlohmann::json> parse_or_null(std::string_view text, const Limits& limits) {
    return parse_bounded(text, limits).value;
}

nlohmann::json parse_request(std::string_view text, const Limits& limits) {
    auto r = parse_bounded(text, limits);
    switch (r.failure) {
        case ParseFailure::none:
            return std::move(*r.value);
        case ParseFailure::too_large:
            throw Error(ErrorKind::payload_too_large, "body_too_large", "The request body is " + r.reason + ".");
        case ParseFailure::too_deep:
            throw Error(ErrorKind::unprocessable, "json_too_deep", "The request body is " + r.reason + ".")
                .with("max_depth", static_cast<std::int64_t>(limits.max_depth));
        case ParseFailure::string_too_long:
            throw Error(ErrorKind::unprocessable, "json_string_too_long", "In the request body " + r.reason + ".");
        case ParseFailure::malformed:
            break;
    }
    throw Error::bad_request("malformed_json", "The request body is " + r.reason + ".");
}

}  // namespace dh::json
