#pragma once
#include <string>
#include <string_view>

namespace dh::domains {

/// A domain a tenant may add as a sending domain, in A-label form and lower case (a trailing dot is
/// dropped), or Error::invalid_field("domain", why): a host name the message builder can write (the
/// same rules as the domain of an address), at most 253 octets, under a top-level domain of letters
/// (so no IP literal), neither the platform's own `mail_domain` nor a name below it.
std::string normalize_domain(std::string_view input, std::string_view mail_domain);

/// `name` without a trailing dot, lower case: DNS names compare case-insensitively.
std::string canonical_name(std::string_view name);

}  // namespace dh::domains
