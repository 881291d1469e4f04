#include "dispatch/merge_template.hpp"

#include <array>
#include <charconv>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace dh::dispatch {
namespace {

constexpr std::string_view kCustomPrefix = "vendor.custom.";
constexpr std::size_t kMaxCustomKey = 64;
constexpr std::array<std::string_view, 6> kFixedFields = {"vendor.name",   "vendor.code", "contact.name",
                                                          "contact.email", "tenant.name", "dispatch.reference"};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim_view(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool is_custom_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxCustomKey) return false;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!alpha(key.front())) return false;
    for (char c : key) {
        if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
    }
    return true;
}

[[noreturn]] void throw_unknown(std::string_view field) {
    // Cap what is echoed back: the "field" may be a whole paragraph after a stray "{{".
    std::string shown(field.substr(0, 100));
    Error e(ErrorKind::unprocessable, "unknown_merge_field",
            "Unknown merge field {{" + shown +
                "}}. Available: vendor.name, vendor.code, contact.name, contact.email, vendor.custom.<key>, "
                "tenant.name, dispatch.reference.");
    e.with("field", shown);
    throw e;
}

void append_escaped(std::string& out, std::string_view value, Escape escape) {
    switch (escape) {
        case Escape::none:
            out += value;
            return;
        case Escape::html:
            for (char c : value) {
                switch (c) {
                    case '&':
                        out += "&amp;";
                        break;
                    case '<':
                        out += "&lt;";
                        break;
                    case '>':
                        out += "&gt;";
                        break;
                    case '"':
                        out += "&quot;";
                        break;
                    case '\'':
                        out += "&#39;";
                        break;
                    default:
                        out += c;
                }
            }
            return;
        case Escape::single_line:
            out += strings::single_line(value);
            return;
    }
}

}  // namespace

std::optional<std::string_view> MergeContext::value(std::string_view field) const {
    auto present = [](const std::optional<std::string>& v) -> std::optional<std::string_view> {
        if (!v || v->empty()) return std::nullopt;
        return std::string_view(*v);
    };
    if (field == "vendor.name") return present(vendor_name);
    if (field == "vendor.code") return present(vendor_code);
    if (field == "contact.name") return present(contact_name);
    if (field == "contact.email") return present(contact_email);
    if (field == "tenant.name") return present(tenant_name);
    if (field == "dispatch.reference") return present(dispatch_reference);
    if (field.starts_with(kCustomPrefix)) {
        auto it = vendor_custom.find(field.substr(kCustomPrefix.size()));
        if (it == vendor_custom.end() || it->second.empty()) return std::nullopt;
        return std::string_view(it->second);
    }
    return std::nullopt;
}

bool is_known_field(std::string_view field) {
    for (auto f : kFixedFields) {
        if (f == field) return true;
    }
    return field.starts_with(kCustomPrefix) && is_custom_key(field.substr(kCustomPrefix.size()));
}

std::optional<std::string> custom_key(std::string_view field) {
    if (!field.starts_with(kCustomPrefix) || !is_known_field(field)) return std::nullopt;
    return std::string(field.substr(kCustomPrefix.size()));
}

MergeTemplate MergeTemplate::parse(std::string_view text) {
    MergeTemplate t;
    std::string literal;
    auto flush = [&] {
        if (!literal.empty()) t.segments_.push_back({false, std::move(literal)});
        literal.clear();
    };
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '\\' && text.substr(i + 1, 2) == "{{") {
            literal += "{{";
            i += 3;
            continue;
        }
        if (text.substr(i, 2) != "{{") {
            literal += text[i++];
            continue;
        }
        auto close = text.find("}}", i + 2);
        if (close == std::string_view::npos) {
            Error e(ErrorKind::unprocessable, "malformed_merge_field",
                    "A merge field opened with {{ is not closed with }} (write \\{{ for a literal {{).");
            e.with("offset", static_cast<std::int64_t>(i));
            throw e;
        }
        auto name = trim_view(text.substr(i + 2, close - i - 2));
        if (!is_known_field(name)) throw_unknown(name);
        flush();
        t.segments_.push_back({true, std::string(name)});
        t.fields_.emplace(name);
        i = close + 2;
    }
    flush();
    return t;
}

std::string MergeTemplate::render(const MergeContext& ctx, Escape escape) const {
    std::string out;
    for (const auto& s : segments_) {
        if (!s.is_field) {
            out += s.text;
        } else if (auto v = ctx.value(s.text)) {
            append_escaped(out, *v, escape);
        }
    }
    return out;
}

std::vector<std::string> MergeTemplate::missing(const MergeContext& ctx) const {
    return missing_values(fields_, ctx);
}

std::string MergeTemplate::with_placeholders(std::string_view prefix, std::vector<std::string>& field_by_index) const {
    field_by_index.clear();
    std::string out;
    for (const auto& s : segments_) {
        if (!s.is_field) {
            out += s.text;
            continue;
        }
        out += prefix;
        out += std::to_string(field_by_index.size());
        out += 'Z';
        field_by_index.push_back(s.text);
    }
    return out;
}

MergeTemplate MergeTemplate::from_placeholders(std::string_view text, std::string_view prefix,
                                               const std::vector<std::string>& field_by_index) {
    MergeTemplate t;
    std::size_t start = 0;
    while (true) {
        auto pos = prefix.empty() ? std::string_view::npos : text.find(prefix, start);
        std::size_t index = 0;
        const char* end = nullptr;
        if (pos != std::string_view::npos) {
            const char* first = text.data() + pos + prefix.size();
            auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), index);
            if (ec == std::errc() && ptr != first && ptr < text.data() + text.size() && *ptr == 'Z' &&
                index < field_by_index.size()) {
                end = ptr + 1;
            }
        }
        if (pos == std::string_view::npos) {
            if (start < text.size()) t.segments_.push_back({false, std::string(text.substr(start))});
            break;
        }
        if (end == nullptr) {  // the prefix without a valid index: keep it as text
            t.segments_.push_back({false, std::string(text.substr(start, pos + prefix.size() - start))});
            start = pos + prefix.size();
            continue;
        }
        if (pos > start) t.segments_.push_back({false, std::string(text.substr(start, pos - start))});
        t.segments_.push_back({true, field_by_index[index]});
        t.fields_.insert(field_by_index[index]);
        start = static_cast<std::size_t>(end - text.data());
    }
    return t;
}

std::vector<std::string> missing_values(const std::set<std::string>& fields, const MergeContext& ctx) {
    std::vector<std::string> out;
    for (const auto& f : fields) {
        if (!ctx.value(f)) out.push_back(f);
    }
    return out;
}

void require_values(const std::set<std::string>& fields, const MergeContext& ctx, std::string_view recipient) {
    auto missing = missing_values(fields, ctx);
    if (missing.empty()) return;
    Error e(ErrorKind::unprocessable, "missing_merge_value",
            "Recipient " + std::string(recipient) + " has no value for {{" + missing.front() + "}}.");
    e.with("field", missing.front());
    e.with("recipient", std::string(recipient));
    for (const auto& f : missing) e.item({{"field", f}, {"recipient", std::string(recipient)}});
    throw e;
}

}  // namespace dh::dispatch
