#include "dispatch/merge_template.hpp"

#include <algorithm>
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

Error malformed(std::string_view merge_field, const std::string& message) {
    Error e(ErrorKind::unprocessable, "malformed_merge_field", message);
    if (!merge_field.empty()) e.with("merge_field", std::string(merge_field.substr(0, 100)));
    return e;
}

/// The end of the field opened at `open` (the index of its "}}"). After a "|", quotes are honoured,
/// so a default may hold "}}"; a backslash inside quotes escapes the next character.
std::size_t find_close(std::string_view text, std::size_t open) {
    bool after_bar = false, quoted = false;
    for (std::size_t i = open + 2; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
        } else if (c == '|') {
            after_bar = true;
        } else if (c == '"' && after_bar) {
            quoted = true;
        } else if (c == '}' && text.substr(i, 2) == "}}") {
            return i;
        }
    }
    auto name = trim_view(text.substr(open + 2, std::min<std::size_t>(text.find('|', open + 2) - open - 2, 100)));
    if (quoted)
        throw malformed(name, "The default of a merge field has no closing quote (write \\\" for a quote inside it).");
    Error e = malformed("", "A merge field opened with {{ is not closed with }} (write \\{{ for a literal {{).");
    e.with("offset", static_cast<std::int64_t>(open));
    throw e;
}

/// The quoted default after "default:" (`rest` starts at the opening quote); what follows the
/// closing quote must be blank.
std::string parse_default(std::string_view name, std::string_view rest) {
    if (rest.empty() || rest.front() != '"')
        throw malformed(name, "The default of {{" + std::string(name) + "}} must be quoted, e.g. default: \"n/a\".");
    std::string out;
    std::size_t i = 1;
    for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        out += rest[i];
    }
    if (i >= rest.size()) throw malformed(name, "The default of {{" + std::string(name) + "}} has no closing quote.");
    if (!trim_view(rest.substr(i + 1)).empty())
        throw malformed(name, "Only one quoted default may follow default: in {{" + std::string(name) + "}}.");
    if (out.size() > kMaxMergeDefault)
        throw malformed(name, "The default of {{" + std::string(name) + "}} is longer than " +
                                  std::to_string(kMaxMergeDefault) + " characters.");
    return out;
}

/// `inner` is what stands between "{{" and "}}".
MergeField parse_field(std::string_view inner) {
    auto bar = inner.find('|');
    auto name = trim_view(inner.substr(0, bar));
    if (!is_known_field(name)) throw_unknown(name);
    if (bar == std::string_view::npos) return {std::string(name), std::nullopt};
    auto filter = trim_view(inner.substr(bar + 1));
    constexpr std::string_view kDefault = "default";
    auto word_end = filter.find_first_of(": \t\r\n\"");
    if (filter.substr(0, word_end) != kDefault) {
        std::string shown(filter.substr(0, std::min<std::size_t>(word_end, 40)));
        throw Error(
            ErrorKind::unprocessable, "unknown_merge_filter",
            "Unknown filter \"" + shown + "\" in {{" + std::string(name) + "}}; the only filter is default: \"text\".")
            .with("merge_field", std::string(name));
    }
    auto rest = trim_view(filter.substr(kDefault.size()));
    if (rest.empty() || rest.front() != ':')
        throw malformed(name, "Write a colon after default in {{" + std::string(name) + "}}, e.g. default: \"n/a\".");
    return {std::string(name), parse_default(name, trim_view(rest.substr(1)))};
}

void append_escaped(std::string& out, std::string_view value, Escape escape) {
    switch (escape) {
        case Escape::none:
            out += value;
            return;
        case Escape::html:
            strings::append_html_escaped(out, value);
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
        auto close = find_close(text, i);
        auto field = parse_field(text.substr(i + 2, close - i - 2));
        flush();
        t.add_field(std::move(field));
        i = close + 2;
    }
    flush();
    return t;
}

void MergeTemplate::add_field(MergeField field) {
    fields_.insert(field.name);
    if (!field.fallback) required_.insert(field.name);
    segments_.push_back({true, std::move(field.name), std::move(field.fallback)});
}

std::string MergeTemplate::render(const MergeContext& ctx, Escape escape) const {
    std::string out;
    for (const auto& s : segments_) {
        if (!s.is_field) {
            out += s.text;
        } else if (auto v = ctx.value(s.text)) {
            append_escaped(out, *v, escape);
        } else if (s.fallback) {
            append_escaped(out, *s.fallback, escape);
        }
    }
    return out;
}

std::vector<std::string> MergeTemplate::missing(const MergeContext& ctx) const {
    return missing_values(required_, ctx);
}

std::string MergeTemplate::with_placeholders(std::string_view prefix, std::vector<MergeField>& field_by_index) const {
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
        field_by_index.push_back({s.text, s.fallback});
    }
    return out;
}

MergeTemplate MergeTemplate::from_placeholders(std::string_view text, std::string_view prefix,
                                               const std::vector<MergeField>& field_by_index) {
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
        t.add_field(field_by_index[index]);
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
