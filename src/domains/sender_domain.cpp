#include "domains/sender_domain.hpp"

#include "common/error.hpp"
#include "common/strings.hpp"
#include "domains/domain_name.hpp"
#include "domains/domain_store.hpp"

namespace dh::domains {
namespace {

Error not_verified(const std::string& field, const std::string& reason) {
    Error e(ErrorKind::unprocessable, "domain_not_verified", field + ": " + reason);
    e.with("field", field);
    e.item({{"field", field}, {"code", std::string("domain_not_verified")}, {"reason", reason}});
    return e;
}

}  // namespace

void require_sending_domain(db::Tx& tx, const std::string& email, const SenderRule& rule, const std::string& field) {
    auto at = email.rfind('@');
    auto domain = canonical_name(at == std::string::npos ? std::string() : email.substr(at + 1));
    auto own = canonical_name(rule.mail_domain);
    if (domain == own) {
        if (strings::to_lower(email.substr(0, at)) == strings::to_lower(rule.tenant_slug)) return;
        throw not_verified(field, "the only address on the platform's domain " + own + " is " + rule.tenant_slug + "@" +
                                      own + "; add and verify a domain of your own to send from another address");
    }
    auto status = domain_store::status_of(tx, domain);
    if (status == "verified" || (rule.failing_ok && status == "failing")) return;
    throw not_verified(field,
                       status ? "the domain " + domain + " is not verified yet: publish its DNS records and check it"
                              : "the domain " + domain +
                                    " is not a verified sending domain of this tenant: add it "
                                    "under Domains and publish its DNS records");
}

}  // namespace dh::domains
