#include "vendors/list_service.hpp"

#include <algorithm>

#include "common/cursor.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "vendors/list_store.hpp"
#include "vendors/vendor_rules.hpp"
#include "vendors/vendor_service.hpp"

namespace dh::vendors {
namespace {

void validate(VendorList& l) {
    l.name = strings::trim(l.name);
    if (l.name.empty()) throw Error::invalid_field("name", "is required");
    if (auto p = rules::text_problem(l.name, rules::kMaxListName); !p.empty()) throw Error::invalid_field("name", p);
    if (l.name.find(';') != std::string::npos)
        throw Error::invalid_field("name", "may not contain ';' (the separator of the CSV list column)");
    if (l.description && l.description->empty()) l.description.reset();
    if (l.description)
        if (auto p = rules::text_problem(*l.description, rules::kMaxDescription, true); !p.empty())
            throw Error::invalid_field("description", p);
}

VendorList load(db::Tx& tx, const std::string& id, bool for_update = false) {
    require_uuid(id, "List");
    auto l = list_store::find(tx, id, for_update);
    if (!l) throw Error::not_found("List");
    return *l;
}

}  // namespace

Page<VendorList> ListService::list(const std::string& tenant_id, const std::optional<std::string>& cursor, int limit) {
    std::string after_name, after_id;
    if (cursor) {
        auto [key, id] = dh::cursor::decode_keyset(*cursor);
        after_name = std::move(key);
        after_id = std::move(id);
    }
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        Page<VendorList> page;
        page.items = list_store::list(tx, after_name, after_id, limit);
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.resize(static_cast<std::size_t>(limit));
            page.next_cursor = dh::cursor::encode({page.items.back().name, page.items.back().id});
        }
        return page;
    });
}

VendorList ListService::get(const std::string& tenant_id, const std::string& id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return load(tx, id); });
}

VendorList ListService::create(const std::string& tenant_id, const ListInput& input) {
    VendorList l;
    l.name = input.name.value_or("");
    if (input.description) l.description = *input.description;
    validate(l);
    return db::with_tx(pool_, db::Scope::tenant(tenant_id),
                       [&](db::Tx& tx) { return load(tx, list_store::insert(tx, tenant_id, l)); });
}

VendorList ListService::update(const std::string& tenant_id, const std::string& id, const ListInput& input) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto l = load(tx, id, true);
        if (input.name) l.name = *input.name;
        if (input.description) l.description = *input.description;
        validate(l);
        list_store::update(tx, l);
        return load(tx, id);
    });
}

void ListService::remove(const std::string& tenant_id, const std::string& id, audit::Entry actor) {
    db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto l = load(tx, id, true);
        list_store::remove(tx, id);
        actor.action = "list.deleted";
        actor.target_type = "vendor_list";
        actor.target_id = id;
        actor.details = {{"name", l.name}, {"member_count", l.member_count}};
        audit::record(tx, actor);
    });
}

VendorList ListService::add_members(const std::string& tenant_id, const std::string& list_id,
                                    const std::vector<std::string>& vendor_ids,
                                    const std::optional<std::string>& contact_role) {
    if (vendor_ids.empty()) throw Error::invalid_field("vendor_ids", "must name at least one vendor");
    if (vendor_ids.size() > 10000) throw Error::invalid_field("vendor_ids", "at most 10000 vendors per call");
    for (std::size_t i = 0; i < vendor_ids.size(); ++i)
        if (!strings::is_uuid(vendor_ids[i]))
            throw Error::invalid_field("vendor_ids[" + std::to_string(i) + "]", "is not a vendor id");
    auto role = contact_role ? rules::blank_to_null(*contact_role) : std::nullopt;
    if (role)
        if (auto p = rules::text_problem(*role, rules::kMaxRole); !p.empty())
            throw Error::invalid_field("contact_role", p);
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        load(tx, list_id, true);
        auto missing = list_store::missing_vendors(tx, vendor_ids);
        if (!missing.empty()) {
            auto i = std::find(vendor_ids.begin(), vendor_ids.end(), missing.front()) - vendor_ids.begin();
            throw Error::invalid_field("vendor_ids[" + std::to_string(i) + "]", "no such vendor");
        }
        list_store::add_members(tx, tenant_id, list_id, vendor_ids, role);
        return load(tx, list_id);
    });
}

void ListService::remove_member(const std::string& tenant_id, const std::string& list_id,
                                const std::string& vendor_id) {
    require_uuid(vendor_id, "Member");
    db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        load(tx, list_id, true);
        if (!list_store::remove_member(tx, list_id, vendor_id)) throw Error::not_found("Member");
    });
}

}  // namespace dh::vendors
