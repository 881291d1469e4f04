#include "http/json_writer.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace dh::http {
namespace {

/// A byte that JSON text cannot carry as it is ('"', '\\', a control character) or that needs a
/// UTF-8 check (anything from 0x80).
constexpr std::array<bool, 256> kSpecial = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
    return t;
}();

std::size_t next_special(std::string_view s, std::size_t from) {
    while (from < s.size() && !kSpecial[static_cast<unsigned char>(s[from])]) ++from;
    return from;
}

bool is_ascii(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

/// The escape of an ASCII byte that needs one, exactly as nlohmann-json writes it: the short
/// escapes, else \u00xx in lower-case hex.
void append_escape(std::string& out, char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    switch (c) {
        case '"':
            out += "\\\"";
            return;
        case '\\':
            out += "\\\\";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            out += "\\u00";
            out += kHex[(c >> 4) & 0xf];
            out += kHex[c & 0xf];
    }
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

// Runs of plain bytes are appended whole; text with bytes from 0x80 goes to nlohmann-json, which
// checks its UTF-8 (an invalid sequence becomes U+FFFD).
void JsonWriter::quoted(std::string_view value) {
    std::size_t special = next_special(value, 0);
    if (special < value.size() && !is_ascii(value.substr(special))) {
        out_ += nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
    }
    out_ += '"';
    std::size_t done = 0;
    while (special < value.size()) {
        out_.append(value.data() + done, special - done);
        append_escape(out_, value[special]);
        done = special + 1;
        special = next_special(value, done);
    }
    out_.append(value.data() + done, value.size() - done);
    out_ += '"';
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
