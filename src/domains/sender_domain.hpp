#pragma once
#include <string>

namespace dh::db {
class Tx;
}

namespace dh::domains {

/// What a sender address may be: the platform default `<slug>@MAIL_DOMAIN`, or an address on a
/// sending domain the tenant has proven. `failing_ok`: a domain that was verified and now fails its
/// check still passes (its dispatches are accepted and held until it verifies again).
struct SenderRule {
    std::string tenant_slug;
    std::string mail_domain;
    bool failing_ok = false;
};

/// Throws a 422 problem with code domain_not_verified naming `field` when `email` may not send for
/// the tenant of `tx` (tenant scope).
void require_sending_domain(db::Tx& tx, const std::string& email, const SenderRule& rule, const std::string& field);

}  // namespace dh::domains
