#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dh::strings {

std::string to_lower(std::string_view s);
std::string trim(std::string_view s);
bool is_uuid(std::string_view s);
/// True when `s` is valid UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);
/// True when `s` contains CR, LF or NUL.
bool has_line_break_or_nul(std::string_view s);
/// `s` with every control character (C0 and DEL, tabs and line breaks included) replaced by a space:
/// free text made safe for one header line.
std::string single_line(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
/// Appends `s` with &, <, >, " and ' as HTML character references: safe in text and in quoted
/// attribute values.
void append_html_escaped(std::string& out, std::string_view s);
std::string html_escape(std::string_view s);

}  // namespace dh::strings
