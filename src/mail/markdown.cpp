#include "mail/markdown.hpp"

#include <cmark.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <vector>

namespace dh::mail {
namespace {

// CMARK_OPT_SAFE is the default since cmark 0.29 (raw HTML omitted, unsafe URLs dropped); it is
// named anyway so that an older libcmark behaves the same. CMARK_OPT_UNSAFE is never set.
constexpr int kParseOptions = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
constexpr int kHtmlOptions = CMARK_OPT_SAFE | CMARK_OPT_HARDBREAKS;
// Deeply nested quotes/lists ("> > > > …" thousands deep) must not exhaust the stack.
constexpr int kMaxDepth = 48;

struct NodeFree {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using NodePtr = std::unique_ptr<cmark_node, NodeFree>;

NodePtr parse(std::string_view markdown) {
    return NodePtr(cmark_parse_document(markdown.data(), markdown.size(), kParseOptions));
}

std::string literal(cmark_node* n) {
    const char* s = cmark_node_get_literal(n);
    return s ? s : "";
}

bool is_unsafe_url(std::string_view url) {
    std::string lower;
    for (char c : url.substr(0, 16)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string_view scheme : {"javascript:", "vbscript:", "file:", "data:"}) {
        if (lower.starts_with(scheme)) return true;
    }
    return false;
}

/// Plain text of every descendant, without structure (the fallback beyond kMaxDepth).
std::string flat_text(cmark_node* root) {
    std::string out;
    std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)> iter(cmark_iter_new(root), &cmark_iter_free);
    cmark_iter* it = iter.get();
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node* n = cmark_iter_get_node(it);
        auto type = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)) out += literal(n);
        if (ev == CMARK_EVENT_ENTER && (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)) out += '\n';
        if (ev == CMARK_EVENT_EXIT && type == CMARK_NODE_PARAGRAPH) out += '\n';
    }
    return out;
}

std::string inlines(cmark_node* parent, int depth);

std::string inline_node(cmark_node* n, int depth) {
    switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            return literal(n);
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            return "\n";
        case CMARK_NODE_HTML_INLINE:
            return "";
        case CMARK_NODE_LINK:
        case CMARK_NODE_IMAGE: {
            std::string text = inlines(n, depth + 1);
            const char* u = cmark_node_get_url(n);
            std::string url = u ? u : "";
            if (url.empty() || is_unsafe_url(url) || url == text || url == "mailto:" + text) return text;
            return text.empty() ? url : text + " (" + url + ")";
        }
        default:
            return inlines(n, depth + 1);  // emphasis, strong: their text only
    }
}

std::string inlines(cmark_node* parent, int depth) {
    if (depth > kMaxDepth) return flat_text(parent);
    std::string out;
    for (cmark_node* c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) out += inline_node(c, depth);
    return out;
}

/// Prefixes the first line with `first` and the following ones with `rest`.
std::string indent(const std::string& text, const std::string& first, const std::string& rest) {
    std::string out = first;
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\n' && i + 1 < text.size())
            out += text[i + 1] == '\n' ? rest.substr(0, rest.find_last_not_of(' ') + 1) : rest;
    }
    return out;
}

std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xc0) != 0x80;
    return n;
}

std::string blocks(cmark_node* parent, int depth, const char* separator = "\n\n");

std::string list_items(cmark_node* list, int depth) {
    bool ordered = cmark_node_get_list_type(list) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(list);
    std::string out;
    for (cmark_node* item = cmark_node_first_child(list); item; item = cmark_node_next(item)) {
        std::string marker = ordered ? std::to_string(number++) + ". " : "- ";
        bool tight = cmark_node_get_list_tight(list);
        if (!out.empty()) out += tight ? "\n" : "\n\n";
        out += indent(blocks(item, depth + 1, tight ? "\n" : "\n\n"), marker, std::string(marker.size(), ' '));
    }
    return out;
}

std::string block(cmark_node* n, int depth) {
    switch (cmark_node_get_type(n)) {
        case CMARK_NODE_PARAGRAPH:
            return inlines(n, depth);
        case CMARK_NODE_HEADING: {
            std::string text = inlines(n, depth);
            int level = cmark_node_get_heading_level(n);
            if (level > 2) return text;
            return text + "\n" + std::string(std::max<std::size_t>(3, display_width(text)), level == 1 ? '=' : '-');
        }
        case CMARK_NODE_BLOCK_QUOTE:
            return indent(blocks(n, depth + 1), "> ", "> ");
        case CMARK_NODE_LIST:
            return list_items(n, depth);
        case CMARK_NODE_CODE_BLOCK: {
            std::string code = literal(n);
            while (!code.empty() && code.back() == '\n') code.pop_back();
            return code;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            return "----------";
        case CMARK_NODE_HTML_BLOCK:
            return "";
        default:
            return blocks(n, depth + 1);
    }
}

std::string blocks(cmark_node* parent, int depth, const char* separator) {
    if (depth > kMaxDepth) return flat_text(parent);
    std::string out;
    for (cmark_node* c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
        std::string b = block(c, depth);
        if (b.empty()) continue;
        if (!out.empty()) out += separator;
        out += b;
    }
    return out;
}

/// Trailing spaces off every line, at most one blank line in a row, no leading/trailing blank lines.
std::string tidy(const std::string& text) {
    std::string out;
    std::size_t blank_run = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
        if (line.empty()) {
            ++blank_run;
        } else {
            if (!out.empty()) out += blank_run > 0 ? "\n\n" : "\n";
            out += line;
            blank_run = 0;
        }
        start = end + 1;
    }
    return out;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
    auto doc = parse(markdown);
    char* html = cmark_render_html(doc.get(), kHtmlOptions);
    std::string out(html ? html : "");
    std::free(html);
    return out;
}

std::string markdown_to_text(std::string_view markdown) {
    auto doc = parse(markdown);
    return tidy(blocks(doc.get(), 0));
}

std::string html_document(std::string_view body_fragment) {
    std::string out =
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n</head>\n<body>\n";
    out += body_fragment;
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace dh::mail
