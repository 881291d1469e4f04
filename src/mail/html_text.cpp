// html_to_text (declared in markdown.hpp): a small, forgiving HTML tokenizer; good enough for the
// bodies people paste into a dispatch, never used to make a security decision.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <vector>

#include "common/strings.hpp"
#include "mail/markdown.hpp"

namespace dh::mail {
namespace {

const std::map<std::string_view, std::string_view, std::less<>>& named_entities() {
    static const std::map<std::string_view, std::string_view, std::less<>> table = {
        {"amp", "&"},    {"lt", "<"},     {"gt", ">"},     {"quot", "\""},  {"apos", "'"},   {"nbsp", " "},
        {"copy", "©"},   {"reg", "®"},    {"trade", "™"},  {"hellip", "…"}, {"mdash", "—"},  {"ndash", "–"},
        {"lsquo", "‘"},  {"rsquo", "’"},  {"ldquo", "“"},  {"rdquo", "”"},  {"bull", "•"},   {"middot", "·"},
        {"euro", "€"},   {"pound", "£"},  {"yen", "¥"},    {"cent", "¢"},   {"sect", "§"},   {"deg", "°"},
        {"laquo", "«"},  {"raquo", "»"},  {"times", "×"},  {"divide", "÷"}, {"para", "¶"},   {"shy", ""},
        {"auml", "ä"},   {"ouml", "ö"},   {"uuml", "ü"},   {"Auml", "Ä"},   {"Ouml", "Ö"},   {"Uuml", "Ü"},
        {"szlig", "ß"},  {"eacute", "é"}, {"egrave", "è"}, {"ecirc", "ê"},  {"agrave", "à"}, {"aacute", "á"},
        {"acirc", "â"},  {"ccedil", "ç"}, {"iacute", "í"}, {"oacute", "ó"}, {"uacute", "ú"}, {"ntilde", "ñ"},
        {"Eacute", "É"}, {"oslash", "ø"}, {"aring", "å"},  {"aelig", "æ"},  {"zwnj", ""},    {"zwj", ""},
        {"ensp", " "},   {"emsp", " "},   {"thinsp", " "},
    };
    return table;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

/// Decodes the reference starting at s[0] == '&'; returns the bytes consumed (0 if none).
std::size_t decode_reference(std::string_view s, std::string& out) {
    auto semi = s.find(';');
    if (semi == std::string_view::npos || semi > 32) return 0;
    auto body = s.substr(1, semi - 1);
    if (body.size() >= 2 && body[0] == '#') {
        bool hex = body[1] == 'x' || body[1] == 'X';
        auto digits = body.substr(hex ? 2 : 1);
        std::uint32_t cp = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        if (digits.empty() || ptr != digits.data() + digits.size()) return 0;
        append_utf8(out, ec == std::errc() ? cp : 0xfffd);
        return semi + 1;
    }
    auto it = named_entities().find(body);
    if (it == named_entities().end()) return 0;
    out += it->second;
    return semi + 1;
}

std::string decode_entities(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '&') {
            if (auto used = decode_reference(s.substr(i), out)) {
                i += used - 1;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

bool is_html_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

struct Tag {
    std::string name;  // lower case
    bool closing = false;
    std::map<std::string, std::string> attrs;
};

/// Parses the tag starting at html[pos] == '<'. Returns the position after '>' (or npos when
/// this '<' does not start a tag and is text).
std::size_t parse_tag(std::string_view html, std::size_t pos, Tag& tag) {
    std::size_t i = pos + 1;
    if (i < html.size() && html[i] == '/') {
        tag.closing = true;
        ++i;
    }
    std::size_t name_start = i;
    while (i < html.size() && std::isalnum(static_cast<unsigned char>(html[i]))) ++i;
    if (i == name_start || !std::isalpha(static_cast<unsigned char>(html[name_start]))) return std::string_view::npos;
    tag.name = strings::to_lower(html.substr(name_start, i - name_start));
    while (i < html.size() && html[i] != '>') {
        if (is_html_space(html[i]) || html[i] == '/') {
            ++i;
            continue;
        }
        std::size_t n = i;
        while (i < html.size() && !is_html_space(html[i]) && html[i] != '=' && html[i] != '>') ++i;
        std::string name = strings::to_lower(html.substr(n, i - n));
        std::string value;
        if (i < html.size() && html[i] == '=') {
            ++i;
            if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
                char q = html[i++];
                auto end = html.find(q, i);
                if (end == std::string_view::npos) end = html.size();
                value = decode_entities(html.substr(i, end - i));
                i = std::min(end + 1, html.size());
            } else {
                std::size_t v = i;
                while (i < html.size() && !is_html_space(html[i]) && html[i] != '>') ++i;
                value = decode_entities(html.substr(v, i - v));
            }
        }
        if (!name.empty()) tag.attrs.emplace(std::move(name), std::move(value));
    }
    return i < html.size() ? i + 1 : html.size();
}

/// Accumulates text with browser-like whitespace handling and deferred paragraph breaks.
class TextBuilder {
public:
    void text(std::string_view s, bool pre) {
        for (char c : s) {
            if (!pre && is_html_space(c)) {
                pending_space_ = !out_.empty() && out_.back() != '\n';
                continue;
            }
            flush();
            out_ += c;
        }
    }
    /// Appends verbatim after any pending break (markers such as "- ").
    void emit(std::string_view s) {
        flush();
        out_ += s;
    }
    void want_breaks(int n) {
        pending_breaks_ = std::max(pending_breaks_, n);
        pending_space_ = false;
    }
    void hard_break() {
        flush();
        out_ += '\n';
        pending_space_ = false;
    }
    void want_space() { pending_space_ = !out_.empty() && out_.back() != '\n'; }
    std::string& out() { return out_; }

private:
    void flush() {
        if (pending_breaks_ > 0 && !out_.empty()) {
            int have = 0;
            for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n'; ++it) ++have;
            for (; have < pending_breaks_; ++have) out_ += '\n';
        } else if (pending_space_) {
            out_ += ' ';
        }
        pending_breaks_ = 0;
        pending_space_ = false;
    }

    std::string out_;
    int pending_breaks_ = 0;
    bool pending_space_ = false;
};

bool in(std::string_view name, std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool usable_href(const std::string& href) {
    std::string l = strings::to_lower(href.substr(0, 12));
    return !href.empty() && href[0] != '#' && !l.starts_with("javascript:") && !l.starts_with("vbscript:") &&
           !l.starts_with("data:");
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && is_html_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_html_space(s.back())) s.remove_suffix(1);
    return std::string(s);
}

class Converter {
public:
    std::string run(std::string_view html) {
        std::size_t i = 0;
        while (i < html.size()) {
            if (html[i] != '<') {
                auto next = std::min(html.find('<', i), html.size());
                b_.text(decode_entities(html.substr(i, next - i)), pre_ > 0);
                i = next;
            } else if (html.substr(i, 4) == "<!--") {
                auto end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
            } else if (html.substr(i, 2) == "<!" || html.substr(i, 2) == "<?") {
                i = std::min(html.find('>', i), html.size() - 1) + 1;
            } else {
                Tag tag;
                auto after = parse_tag(html, i, tag);
                if (after == std::string_view::npos) {
                    b_.text("<", pre_ > 0);
                    ++i;
                    continue;
                }
                i = after;
                if (!tag.closing && in(tag.name, {"script", "style", "head", "title", "template"})) {
                    i = skip_element(html, i, tag.name);
                } else {
                    handle(tag);
                }
            }
        }
        return b_.out();
    }

private:
    static std::size_t skip_element(std::string_view html, std::size_t from, const std::string& name) {
        std::string hay = strings::to_lower(html.substr(from));
        auto end = hay.find("</" + name);
        if (end == std::string::npos) return html.size();
        auto close = html.find('>', from + end);
        return close == std::string_view::npos ? html.size() : close + 1;
    }

    void handle(const Tag& tag) {
        const auto& n = tag.name;
        if (n == "br") return b_.hard_break();
        if (in(n, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "dl"})) {
            b_.want_breaks(2);
        } else if (in(n, {"div", "tr", "section", "article", "header", "footer", "address", "dt", "dd", "figure",
                          "main", "nav", "aside", "center", "form", "fieldset", "caption"})) {
            b_.want_breaks(1);
        }
        if (n == "pre") pre_ += tag.closing ? -1 : 1;
        if (n == "ul" || n == "ol") return list(tag);
        if (n == "li" && !tag.closing) return item();
        if (n == "li") return b_.want_breaks(1);
        if ((n == "td" || n == "th") && tag.closing) return b_.want_space();
        if (n == "hr") {
            b_.want_breaks(2);
            b_.emit("----------");
            return b_.want_breaks(2);
        }
        if (n == "img" && !tag.closing) return image(tag);
        if (n == "a") return link(tag);
    }

    void list(const Tag& tag) {
        if (!tag.closing) {
            lists_.push_back({tag.name == "ol", 1});
        } else if (!lists_.empty()) {
            lists_.pop_back();
        }
    }

    void item() {
        b_.want_breaks(1);
        std::string indent(lists_.empty() ? 0 : 2 * (lists_.size() - 1), ' ');
        if (!lists_.empty() && lists_.back().ordered) {
            b_.emit(indent + std::to_string(lists_.back().next++) + ". ");
        } else {
            b_.emit(indent + "- ");
        }
    }

    void image(const Tag& tag) {
        auto alt = tag.attrs.find("alt");
        if (alt != tag.attrs.end() && !trimmed(alt->second).empty()) b_.text(alt->second, false);
    }

    void link(const Tag& tag) {
        if (!tag.closing) {
            auto href = tag.attrs.find("href");
            links_.push_back({href == tag.attrs.end() ? "" : trimmed(href->second), b_.out().size()});
            return;
        }
        if (links_.empty()) return;
        auto [href, start] = links_.back();
        links_.pop_back();
        if (!usable_href(href)) return;
        std::string text = trimmed(std::string_view(b_.out()).substr(std::min(start, b_.out().size())));
        if (text == href || "mailto:" + text == href) return;
        b_.emit(text.empty() ? href : " (" + href + ")");
    }

    struct List {
        bool ordered;
        int next;
    };
    TextBuilder b_;
    int pre_ = 0;
    std::vector<List> lists_;
    std::vector<std::pair<std::string, std::size_t>> links_;
};

std::string tidy_lines(const std::string& text) {
    std::string out;
    bool blank = false;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = std::min(text.find('\n', start), text.size());
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
        if (line.empty()) {
            blank = true;
        } else {
            if (!out.empty()) out += blank ? "\n\n" : "\n";
            out += line;
            blank = false;
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string html_to_text(std::string_view html) {
    return tidy_lines(Converter().run(html));
}

}  // namespace dh::mail
