#include "domains/domain_name.hpp"

#include <idn2.h>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "vendors/address.hpp"

namespace dh::domains {
namespace {

constexpr std::size_t kMaxName = 253;  // RFC 1035: 255 octets on the wire, 253 in text

/// A top-level label of letters (or an IDN A-label): rules out IP literals such as 192.0.2.10.
bool registrable_tld(std::string_view tld) {
    if (tld.starts_with("xn--")) return tld.size() > 4;
    if (tld.size() < 2) return false;
    for (unsigned char c : tld)
        if (!std::isalpha(c)) return false;
    return true;
}

/// False for a name with an "xn--" label that is no valid A-label (e.g. xn--a): the address rules
/// pass ASCII through, but such a label decodes to nothing a person could have meant.
bool valid_a_labels(const std::string& domain) {
    if (domain.find("xn--") == std::string::npos) return true;
    char* out = nullptr;
    int rc = idn2_lookup_u8(reinterpret_cast<const uint8_t*>(domain.c_str()), reinterpret_cast<uint8_t**>(&out),
                            IDN2_ALABEL_ROUNDTRIP | IDN2_NONTRANSITIONAL);
    idn2_free(out);
    return rc == IDN2_OK;
}

}  // namespace

std::string canonical_name(std::string_view name) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return strings::to_lower(name);
}

std::string normalize_domain(std::string_view input, std::string_view mail_domain) {
    const std::string owned = strings::trim(input);
    std::string_view trimmed = owned;
    if (!trimmed.empty() && trimmed.back() == '.') trimmed.remove_suffix(1);
    if (trimmed.empty()) throw Error::invalid_field("domain", "is required");
    if (trimmed.find_first_of("@[]:") != std::string_view::npos)
        throw Error::invalid_field("domain", "must be a domain name such as example.com");
    // The address rules of the message builder, so that every domain added can be written in a From.
    auto check = vendors::check_address("postmaster@" + std::string(trimmed));
    if (!check.ok) throw Error::invalid_field("domain", check.reason);
    auto domain = check.address.substr(check.address.find('@') + 1);
    if (domain.size() > kMaxName) throw Error::invalid_field("domain", "is longer than 253 characters");
    if (!valid_a_labels(domain)) throw Error::invalid_field("domain", "has an xn-- label that is not a valid A-label");
    if (!registrable_tld(domain.substr(domain.rfind('.') + 1)))
        throw Error::invalid_field("domain", "must be a registrable domain name, not an IP address");
    auto own = canonical_name(mail_domain);
    if (domain == own || domain.ends_with("." + own))
        throw Error::invalid_field("domain", "is the platform's own mail domain");
    return domain;
}

}  // namespace dh::domains
