#include "mail/safe_html.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "common/strings.hpp"

namespace dh::mail {
namespace {

bool is_letter(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

constexpr std::array<std::pair<std::string_view, std::uint32_t>, 24> kEntities{{
    {"amp", '&'},     {"lt", '<'},      {"gt", '>'},        {"quot", '"'},     {"apos", '\''},    {"nbsp", ' '},
    {"copy", 0xA9},   {"reg", 0xAE},    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013}, {"laquo", 0xAB},
    {"raquo", 0xBB},  {"euro", 0x20AC}, {"rsquo", 0x2019},  {"lsquo", 0x2018}, {"rdquo", 0x201D}, {"ldquo", 0x201C},
    {"bull", 0x2022}, {"middot", 0xB7}, {"times", 0xD7},    {"shy", 0xAD},     {"zwnj", 0x200C},  {"trade", 0x2122},
}};

/// Decodes the entity at html[i] == '&'; returns the index after it (i + 1 when not an entity).
std::size_t decode_entity(std::string_view html, std::size_t i, std::string& out) {
    std::size_t semi = html.substr(i, 14).find(';');  // bounded: "&&&&..." must stay linear
    if (semi != std::string_view::npos) semi += i;
    if (semi == std::string_view::npos) {
        out += '&';
        return i + 1;
    }
    std::string_view name = html.substr(i + 1, semi - i - 1);
    if (name.size() > 1 && name[0] == '#') {
        bool hex = name[1] == 'x' || name[1] == 'X';
        std::string_view digits = name.substr(hex ? 2 : 1);
        std::uint32_t cp = 0;
        for (char c : digits) {
            int d = std::isdigit(static_cast<unsigned char>(c))           ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                                          : -1;
            if (d < 0) {
                out += '&';
                return i + 1;
            }
            cp = cp > 0x10FFFF ? 0x110000 : cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);  // no overflow
        }
        if (digits.empty()) {
            out += '&';
            return i + 1;
        }
        append_utf8(out, cp);
        return semi + 1;
    }
    for (auto& [entity, cp] : kEntities) {
        if (entity == strings::to_lower(name)) {
            append_utf8(out, cp);
            return semi + 1;
        }
    }
    out += '&';
    return i + 1;
}

/// Index after the '>' ending the tag that starts at i, skipping quoted attribute values.
std::size_t tag_end(std::string_view html, std::size_t i) {
    char quote = 0;
    for (std::size_t j = i + 1; j < html.size(); ++j) {
        char c = html[j];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return j + 1;
        }
    }
    return html.size();
}

/// Index after "</name ...>" (case-insensitive), or the end: content of script/style is dropped.
std::size_t skip_element(std::string_view html, std::size_t from, const std::string& name) {
    for (std::size_t at = html.find("</", from); at != std::string_view::npos; at = html.find("</", at + 2)) {
        if (strings::to_lower(html.substr(at + 2, name.size())) == name) return tag_end(html, at);
    }
    return html.size();
}

bool is_one_of(const std::string& name, std::initializer_list<std::string_view> names) {
    for (auto n : names)
        if (name == n) return true;
    return false;
}

std::string tidy_whitespace(const std::string& text) {
    std::string out;
    int newlines = 0;
    bool pending_space = false;
    for (char c : text) {
        if (c == '\n') {
            pending_space = false;
            if (++newlines <= 2 && !out.empty()) out += '\n';
            continue;
        }
        if (c == ' ' || c == '\t') {
            pending_space = true;
            continue;
        }
        if (static_cast<unsigned char>(c) < 0x20) continue;
        if (pending_space && newlines == 0 && !out.empty()) out += ' ';
        pending_space = false;
        newlines = 0;
        out += c;
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

std::string safe_html_to_text(std::string_view html) {
    std::string out;
    out.reserve(html.size() / 2);
    std::size_t i = 0;
    while (i < html.size()) {
        char c = html[i];
        if (c == '&') {
            i = decode_entity(html, i, out);
            continue;
        }
        if (c != '<') {
            out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
            ++i;
            continue;
        }
        if (html.substr(i, 4) == "<!--") {
            std::size_t end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        std::size_t n = i + 1;
        bool closing = n < html.size() && html[n] == '/';
        if (closing) ++n;
        if (n >= html.size() || (!is_letter(html[n]) && html[n] != '!' && html[n] != '?')) {
            out += '<';  // "a < b" is text, not a tag
            ++i;
            continue;
        }
        std::size_t name_end = n;
        while (name_end < html.size() && (std::isalnum(static_cast<unsigned char>(html[name_end])) != 0)) ++name_end;
        std::string name = strings::to_lower(html.substr(n, name_end - n));
        i = tag_end(html, i);
        if (!closing && is_one_of(name, {"script", "style", "head", "title", "template", "svg", "math", "object",
                                         "iframe", "noscript", "xml"}))
            i = skip_element(html, i, name);
        else if (name == "br" || name == "hr")
            out += '\n';
        else if (name == "li" && !closing)
            out += "\n- ";
        else if (is_one_of(name, {"p",   "div",     "tr",      "table",  "ul",     "ol", "li",
                                  "h1",  "h2",      "h3",      "h4",     "h5",     "h6", "blockquote",
                                  "pre", "section", "article", "header", "footer", "dt", "dd"}))
            out += '\n';
        else if (name == "td" || name == "th")
            out += ' ';
    }
    return tidy_whitespace(out);
}

}  // namespace dh::mail
