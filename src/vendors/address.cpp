#include "vendors/address.hpp"

#include <idn2.h>

#include <cstdlib>
#include <cstring>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace dh::vendors {
namespace {

constexpr std::size_t kMaxLocal = 64;
constexpr std::size_t kMaxDomain = 255;
constexpr std::size_t kMaxAddress = 254;

bool is_atext(unsigned char c) {
    return std::isalnum(c) || std::strchr("!#$%&'*+/=?^_`{|}~-", c) != nullptr;
}

AddressCheck bad(std::string reason) {
    return {false, {}, std::move(reason)};
}

/// Empty when the dot-atom local part is acceptable, otherwise the reason.
std::string local_part_problem(std::string_view local) {
    if (local.empty()) return "the part before @ is empty";
    if (local.size() > kMaxLocal) return "the part before @ is longer than 64 characters";
    // The message builder writes addresses as dot-atoms only: a quoted local part could be stored
    // but never sent.
    if (local.front() == '"') return "quoted local parts are not supported";
    if (local.front() == '.' || local.back() == '.') return "the part before @ starts or ends with a dot";
    if (local.find("..") != std::string_view::npos) return "the part before @ has two dots in a row";
    for (unsigned char c : local) {
        if (c >= 0x80) return "non-ASCII characters before @ are not supported";
        if (c != '.' && !is_atext(c)) return "invalid character before @";
    }
    return {};
}

/// Lower-cased A-label form of `domain`, or the reason it is not a usable host name.
bool to_ascii_domain(std::string_view domain, std::string& out, std::string& reason) {
    bool ascii = true;
    for (unsigned char c : domain) ascii = ascii && c < 0x80;
    if (ascii) {
        out = strings::to_lower(domain);
    } else {
        if (!strings::is_valid_utf8(domain)) {
            reason = "the domain is not valid UTF-8";
            return false;
        }
        char* converted = nullptr;
        std::string input(domain);
        int rc = idn2_to_ascii_8z(input.c_str(), &converted, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
        if (rc != IDN2_OK) {
            reason = std::string("invalid internationalized domain (") + idn2_strerror(rc) + ")";
            return false;
        }
        out = strings::to_lower(converted);
        idn2_free(converted);
    }
    if (out.size() > kMaxDomain) {
        reason = "the domain is longer than 255 characters";
        return false;
    }
    return true;
}

std::string host_name_problem(std::string_view domain) {
    if (domain.front() == '[') return "address literals are not supported";
    if (domain.find('.') == std::string_view::npos) return "the domain needs at least one dot";
    for (auto& label : strings::split(domain, '.')) {
        if (label.empty()) return "the domain has an empty label";
        if (label.size() > 63) return "a domain label is longer than 63 characters";
        if (label.front() == '-' || label.back() == '-') return "a domain label starts or ends with a hyphen";
        for (unsigned char c : label)
            if (!std::isalnum(c) && c != '-') return "invalid character in the domain";
    }
    return {};
}

/// Splits at the '@' that ends the local part (a quoted local part may itself contain '@').
std::size_t find_separator(std::string_view s) {
    if (!s.empty() && s.front() == '"') {
        for (std::size_t i = 1; i < s.size(); ++i) {
            if (s[i] == '\\')
                ++i;
            else if (s[i] == '"')
                return i + 1 < s.size() && s[i + 1] == '@' ? i + 1 : std::string_view::npos;
        }
        return std::string_view::npos;
    }
    auto at = s.find('@');
    if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return std::string_view::npos;
    return at;
}

}  // namespace

AddressCheck check_address(std::string_view input) {
    while (!input.empty() && (input.front() == ' ' || input.front() == '\t')) input.remove_prefix(1);
    while (!input.empty() && (input.back() == ' ' || input.back() == '\t')) input.remove_suffix(1);
    if (input.empty()) return bad("is empty");
    if (input.size() > 1024) return bad("is too long");
    bool quoted = !input.empty() && input.front() == '"';
    for (unsigned char c : input) {
        if (c == '\r' || c == '\n' || c == '\0') return bad("contains a line break or NUL");
        if (c < 0x20 || c == 0x7f) return bad("contains a control character");
    }
    auto at = find_separator(input);
    if (at == std::string_view::npos) return bad("must be one address of the form name@domain");
    auto local = input.substr(0, at);
    auto domain_in = input.substr(at + 1);
    if (!quoted && local.find(' ') != std::string_view::npos) return bad("contains a space");
    if (domain_in.empty()) return bad("the domain after @ is empty");
    if (domain_in.find_first_of(" \t") != std::string_view::npos) return bad("contains a space");
    if (auto p = local_part_problem(local); !p.empty()) return bad(p);
    std::string domain, reason;
    if (!to_ascii_domain(domain_in, domain, reason)) return bad(reason);
    if (auto p = host_name_problem(domain); !p.empty()) return bad(p);
    std::string address = std::string(local) + "@" + domain;
    if (address.size() > kMaxAddress) return bad("is longer than 254 characters");
    return {true, std::move(address), {}};
}

std::string normalize_address(std::string_view input, const std::string& field) {
    auto r = check_address(input);
    if (!r.ok) throw Error::invalid_field(field, "not a valid email address: " + r.reason);
    return r.address;
}

AddressCheck check_suppression_address(std::string_view input) {
    while (!input.empty() && (input.front() == ' ' || input.front() == '\t')) input.remove_prefix(1);
    while (!input.empty() && (input.back() == ' ' || input.back() == '\t')) input.remove_suffix(1);
    if (input.find_first_of("*?%") != std::string_view::npos)
        return bad("wildcards are not supported; \"@example.com\" suppresses a whole domain");
    bool whole_domain = !input.empty() && input.front() == '@';
    // A domain entry is checked as an address with a placeholder local part: the same domain rules.
    auto r = check_address(whole_domain ? "x" + std::string(input) : std::string(input));
    if (!r.ok) return r;
    r.address = strings::to_lower(whole_domain ? r.address.substr(1) : r.address);
    return r;
}

std::string suppression_kind(std::string_view entry) {
    return !entry.empty() && entry.front() == '@' ? "domain" : "address";
}

}  // namespace dh::vendors
