#include "vendors/suppression_service.hpp"

#include "common/cursor.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "vendors/address.hpp"
#include "vendors/suppression_store.hpp"
#include "vendors/vendor_rules.hpp"

namespace dh::vendors {

bool valid_suppression_reason(const std::string& r) {
    return r == "bounce" || r == "complaint" || r == "manual" || r == "unsubscribe";
}

Page<Suppression> SuppressionService::list(const std::string& tenant_id, const std::optional<std::string>& q,
                                           const std::optional<std::string>& reason,
                                           const std::optional<std::string>& cursor, int limit) {
    if (reason && !valid_suppression_reason(*reason))
        throw Error::invalid_field("reason", "must be bounce, complaint, manual or unsubscribe");
    std::string after = cursor ? dh::cursor::decode(*cursor, 1).front() : "";
    std::optional<std::string> pattern;
    if (q && !strings::trim(*q).empty()) pattern = rules::like_pattern(strings::trim(*q));
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        Page<Suppression> page;
        page.items = suppression_store::list(tx, pattern, reason, after, limit);
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.resize(static_cast<std::size_t>(limit));
            page.next_cursor = dh::cursor::encode({page.items.back().address});
        }
        return page;
    });
}

Suppression SuppressionService::add(const std::string& tenant_id, Suppression s, audit::Entry actor) {
    auto checked = check_suppression_address(s.address);
    if (!checked.ok) throw Error::invalid_field("address", "not a valid address or @domain: " + checked.reason);
    s.address = checked.address;
    if (s.reason.empty()) s.reason = "manual";
    if (!valid_suppression_reason(s.reason))
        throw Error::invalid_field("reason", "must be bounce, complaint, manual or unsubscribe");
    if (s.source) s.source = rules::blank_to_null(*s.source);
    if (s.source)
        if (auto p = rules::text_problem(*s.source, 200); !p.empty()) throw Error::invalid_field("source", p);
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto added = suppression_store::insert(tx, tenant_id, s);
        if (!added) throw Error::conflict("already_suppressed", "This address is already on the suppression list.");
        actor.action = "suppression.added";
        actor.target_type = "suppression";
        actor.target_id = added->id;
        actor.details = {{"address", added->address}, {"reason", added->reason}};
        audit::record(tx, actor);
        return *added;
    });
}

void SuppressionService::remove(const std::string& tenant_id, const std::string& id_or_address, audit::Entry actor) {
    db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        std::optional<Suppression> s;
        if (strings::is_uuid(id_or_address)) {
            s = suppression_store::find_by_id(tx, id_or_address);
        } else {
            auto checked = check_suppression_address(id_or_address);
            if (checked.ok) s = suppression_store::find_by_address(tx, checked.address);
        }
        if (!s || !suppression_store::remove(tx, s->id)) throw Error::not_found("Suppression");
        actor.action = "suppression.removed";
        actor.target_type = "suppression";
        actor.target_id = s->id;
        actor.details = {{"address", s->address}, {"reason", s->reason}};
        audit::record(tx, actor);
    });
}

}  // namespace dh::vendors
