#include "http/json_writer.hpp"

#include <nlohmann/json.hpp>

namespace dh::http {
namespace {

/// Printable ASCII other than '"' and '\\' is written as it is.
bool needs_escaping(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') return true;
    return false;
}

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

/// ASCII text escaped exactly as nlohmann-json escapes it (the short escapes, \u00xx in lower-case
/// hex for the other control characters, DEL as it is), in quotes.
void append_escaped_ascii(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += "\\u00";
                    out += kHex[(c >> 4) & 0xf];
                    out += kHex[c & 0xf];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

}  // namespace

void JsonWriter::separate() {
    if (!first_) out_ += ',';
    first_ = false;
}

JsonWriter& JsonWriter::open(char bracket) {
    separate();
    out_ += bracket;
    first_ = true;
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    out_ += bracket;
    first_ = false;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    out_ += '"';
    out_ += name;
    out_ += "\":";
    first_ = true;  // the value that follows takes no comma
    return *this;
}

void JsonWriter::quoted(std::string_view value) {
    if (!needs_escaping(value)) {
        out_ += '"';
        out_ += value;
        out_ += '"';
    } else if (is_ascii(value)) {
        append_escaped_ascii(out_, value);
    } else {
        // UTF-8, which nlohmann-json checks (an invalid sequence becomes U+FFFD).
        out_ += nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
}

JsonWriter& JsonWriter::key_escaped(std::string_view name) {
    separate();
    quoted(name);
    out_ += ':';
    first_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
    separate();
    quoted(value);
    return *this;
}

JsonWriter& JsonWriter::string(const std::optional<std::string>& value) {
    return value ? string(std::string_view(*value)) : null();
}

JsonWriter& JsonWriter::number(long long value) {
    separate();
    out_ += std::to_string(value);
    return *this;
}

JsonWriter& JsonWriter::fraction(double value) {
    separate();
    out_ += nlohmann::json(value).dump();
    return *this;
}

JsonWriter& JsonWriter::json_text(std::string_view value) {
    separate();
    out_ += value;
    return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
    separate();
    out_ += value ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null() {
    separate();
    out_ += "null";
    return *this;
}

}  // namespace dh::http
