#include "vendors/vendor_rules.hpp"

#include <set>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "vendors/address.hpp"

namespace dh::vendors::rules {
namespace {

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

void check(std::string_view value, std::size_t max, const std::string& field, bool multiline = false) {
    if (auto p = text_problem(value, max, multiline); !p.empty()) throw Error::invalid_field(field, p);
}

}  // namespace

std::string text_problem(std::string_view value, std::size_t max, bool multiline) {
    if (!strings::is_valid_utf8(value)) return "is not valid UTF-8";
    for (unsigned char c : value) {
        if (c == 0) return "contains a NUL character";
        if (c == '\r' || c == '\n') {
            if (!multiline) return "must be a single line";
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return "contains a control character";
        }
    }
    if (utf8_length(value) > max) return "is longer than " + std::to_string(max) + " characters";
    return {};
}

std::optional<std::string> blank_to_null(std::string_view value) {
    auto t = strings::trim(value);
    if (t.empty()) return std::nullopt;
    return t;
}

bool valid_custom_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxCustomKey || std::isdigit(static_cast<unsigned char>(key.front())))
        return false;
    for (unsigned char c : key)
        if (!std::isalnum(c) && c != '_') return false;
    return true;
}

bool valid_status(std::string_view status) {
    return status == "active" || status == "inactive";
}

std::vector<std::string> clean_tags(const std::vector<std::string>& tags, std::string& problem) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (auto& raw : tags) {
        auto t = strings::trim(raw);
        if (t.empty()) continue;
        if (auto p = text_problem(t, kMaxTag); !p.empty()) {
            problem = "tag \"" + t.substr(0, 60) + "\" " + p;
            return {};
        }
        if (t.find(';') != std::string::npos) {
            problem = "a tag may not contain ';' (the separator of the CSV tags column)";
            return {};
        }
        if (seen.insert(t).second) out.push_back(t);
    }
    if (out.size() > kMaxTags) problem = "at most " + std::to_string(kMaxTags) + " tags";
    return out;
}

std::vector<std::string> split_multi(std::string_view cell) {
    std::vector<std::string> out;
    for (auto& part : strings::split(cell, ';')) {
        auto t = strings::trim(part);
        if (!t.empty()) out.push_back(t);
    }
    return out;
}

std::string like_pattern(std::string_view q) {
    std::string out = "%";
    for (char c : q) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

FieldProblem custom_fields_problem(const std::map<std::string, std::string>& fields, const std::string& prefix) {
    if (fields.size() > kMaxCustomFields)
        return {prefix, "at most " + std::to_string(kMaxCustomFields) + " fields (this has " +
                            std::to_string(fields.size()) + ")"};
    for (auto& [key, value] : fields) {
        if (!valid_custom_key(key))
            return {prefix + "." + key.substr(0, 64), "names use letters, digits and _ and do not start with a digit"};
        if (auto p = text_problem(value, kMaxCustomValue, true); !p.empty()) return {prefix + "." + key, p};
    }
    return {};
}

void validate_contact(Contact& c, const std::string& prefix) {
    auto field = [&](const char* name) { return prefix.empty() ? std::string(name) : prefix + "." + name; };
    c.name = strings::trim(c.name);
    check(c.name, kMaxName, field("name"));
    if (strings::trim(c.email).empty()) throw Error::invalid_field(field("email"), "is required");
    c.email = normalize_address(c.email, field("email"));
    if (c.role) {
        c.role = blank_to_null(*c.role);
        if (c.role) check(*c.role, kMaxRole, field("role"));
    }
}

void validate_vendor(Vendor& v) {
    v.name = strings::trim(v.name);
    if (v.name.empty()) throw Error::invalid_field("name", "is required");
    check(v.name, kMaxName, "name");
    if (v.code) v.code = blank_to_null(*v.code);
    if (v.code) check(*v.code, kMaxCode, "code");
    if (v.category) v.category = blank_to_null(*v.category);
    if (v.category) check(*v.category, kMaxCategory, "category");
    if (!valid_status(v.status)) throw Error::invalid_field("status", "must be active or inactive");
    if (v.notes && v.notes->empty()) v.notes.reset();
    if (v.notes) check(*v.notes, kMaxNotes, "notes", true);
    std::string problem;
    v.tags = clean_tags(v.tags, problem);
    if (!problem.empty()) throw Error::invalid_field("tags", problem);
    if (auto p = custom_fields_problem(v.custom_fields, "custom_fields")) throw Error::invalid_field(p.field, p.reason);
    if (v.contacts.size() > kMaxContacts)
        throw Error::invalid_field("contacts", "at most " + std::to_string(kMaxContacts) + " contacts");
    std::set<std::string> emails;
    int primaries = 0;
    for (std::size_t i = 0; i < v.contacts.size(); ++i) {
        std::string prefix = "contacts[" + std::to_string(i) + "]";
        validate_contact(v.contacts[i], prefix);
        if (!emails.insert(v.contacts[i].email).second)
            throw Error::invalid_field(prefix + ".email", "is listed twice");
        primaries += v.contacts[i].primary;
    }
    if (primaries > 1) throw Error::invalid_field("contacts", "only one contact can be primary");
    if (primaries == 0 && !v.contacts.empty()) v.contacts.front().primary = true;
}

}  // namespace dh::vendors::rules
