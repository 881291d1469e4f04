#include "db/arrays.hpp"

namespace dh::db {
namespace {

void append_quoted(std::string& out, const std::string& value) {
    out += '"';
    for (char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
}

}  // namespace

std::string text_array(const std::vector<std::optional<std::string>>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if (items[i])
            append_quoted(out, *items[i]);
        else
            out += "NULL";
    }
    return out + "}";
}

std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        append_quoted(out, items[i]);
    }
    return out + "}";
}

}  // namespace dh::db
