#include "vendors/vendor_service.hpp"

#include "common/cursor.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "vendors/vendor_rules.hpp"
#include "vendors/vendor_store.hpp"

namespace dh::vendors {
namespace {

Vendor apply(Vendor v, const VendorInput& in) {
    if (in.name) v.name = *in.name;
    if (in.code) v.code = *in.code;
    if (in.category) v.category = *in.category;
    if (in.tags) v.tags = *in.tags;
    if (in.status) v.status = *in.status;
    if (in.notes) v.notes = *in.notes;
    if (in.custom_fields) v.custom_fields = *in.custom_fields;
    if (in.contacts) v.contacts = *in.contacts;
    return v;
}

Vendor load(db::Tx& tx, const std::string& id) {
    auto v = vendor_store::find_detail(tx, id);
    if (!v) throw Error::not_found("Vendor");
    return *v;
}

void require_vendor(db::Tx& tx, const std::string& vendor_id) {
    require_uuid(vendor_id, "Vendor");
    if (!vendor_store::find(tx, vendor_id, true)) throw Error::not_found("Vendor");
}

}  // namespace

void require_uuid(const std::string& id, const std::string& what) {
    if (!strings::is_uuid(id)) throw Error::not_found(what);
}

Page<Vendor> VendorService::list(const std::string& tenant_id, const VendorFilter& filter,
                                 const std::optional<std::string>& cursor, int limit) {
    VendorCursor after;
    if (cursor) {
        auto [key, id] = dh::cursor::decode_keyset(*cursor);
        after = {std::move(key), std::move(id)};
    }
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        tx.commit_with_next(true);  // one read: BEGIN, the page and COMMIT in one round trip
        Page<Vendor> page;
        page.items = vendor_store::list(tx, filter, after, limit);
        if (static_cast<int>(page.items.size()) > limit) {
            page.items.resize(static_cast<std::size_t>(limit));
            page.next_cursor = dh::cursor::encode({page.items.back().name, page.items.back().id});
        }
        return page;
    });
}

Vendor VendorService::get(const std::string& tenant_id, const std::string& id) {
    require_uuid(id, "Vendor");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        tx.commit_with_next(true);  // one read: BEGIN, scope, the vendor with its contacts and lists, COMMIT
        return load(tx, id);
    });
}

Vendor VendorService::create(const std::string& tenant_id, Vendor vendor) {
    rules::validate_vendor(vendor);
    // One round trip: the vendor with its contacts, the plan limit checked against the tenant's
    // counter (the vendors trigger has just counted the new row on this connection's shard of it,
    // and locked that shard), COMMIT. Creators on other connections count on other shards at the
    // same time; near the limit they take turns (migration 0025).
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        tx.commit_with_next();
        tx.check_before_commit(vendor_store::vendor_room_check(tenant_id));
        return vendor_store::insert_with_contacts(tx, tenant_id, vendor);
    });
}

Vendor VendorService::update(const std::string& tenant_id, const std::string& id, const VendorInput& input) {
    require_uuid(id, "Vendor");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto current = vendor_store::find(tx, id, true);
        if (!current) throw Error::not_found("Vendor");
        auto next = apply(*current, input);
        rules::validate_vendor(next);
        vendor_store::update(tx, next);
        if (input.contacts) vendor_store::replace_contacts(tx, tenant_id, id, next.contacts);
        return load(tx, id);
    });
}

void VendorService::remove(const std::string& tenant_id, const std::string& id, audit::Entry actor) {
    require_uuid(id, "Vendor");
    db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto v = vendor_store::find(tx, id, true);
        if (!v || !vendor_store::remove(tx, id)) throw Error::not_found("Vendor");
        actor.action = "vendor.deleted";
        actor.target_type = "vendor";
        actor.target_id = id;
        actor.details = {{"name", v->name}, {"code", v->code ? *v->code : ""}};
        audit::record(tx, actor);
    });
}

Contact VendorService::add_contact(const std::string& tenant_id, const std::string& vendor_id, Contact contact) {
    rules::validate_contact(contact, "");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        require_vendor(tx, vendor_id);
        if (contact.primary) vendor_store::clear_primary(tx, vendor_id);
        auto added = vendor_store::insert_contact(tx, tenant_id, vendor_id, contact);
        vendor_store::ensure_primary(tx, vendor_id);
        return *vendor_store::find_contact(tx, vendor_id, added.id);
    });
}

Contact VendorService::update_contact(const std::string& tenant_id, const std::string& vendor_id,
                                      const std::string& contact_id, const ContactPatch& patch) {
    require_uuid(contact_id, "Contact");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        require_vendor(tx, vendor_id);
        auto c = vendor_store::find_contact(tx, vendor_id, contact_id);
        if (!c) throw Error::not_found("Contact");
        if (patch.name) c->name = *patch.name;
        if (patch.email) c->email = *patch.email;
        if (patch.role) c->role = *patch.role;
        if (patch.primary) c->primary = *patch.primary;
        rules::validate_contact(*c, "");
        if (c->primary) vendor_store::clear_primary(tx, vendor_id);
        vendor_store::update_contact(tx, vendor_id, *c);
        vendor_store::ensure_primary(tx, vendor_id);
        return *vendor_store::find_contact(tx, vendor_id, contact_id);
    });
}

void VendorService::remove_contact(const std::string& tenant_id, const std::string& vendor_id,
                                   const std::string& contact_id, audit::Entry actor) {
    require_uuid(contact_id, "Contact");
    db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        require_vendor(tx, vendor_id);
        auto c = vendor_store::find_contact(tx, vendor_id, contact_id);
        if (!c || !vendor_store::remove_contact(tx, vendor_id, contact_id)) throw Error::not_found("Contact");
        vendor_store::ensure_primary(tx, vendor_id);
        actor.action = "vendor.contact_deleted";
        actor.target_type = "vendor";
        actor.target_id = vendor_id;
        actor.details = {{"contact_id", contact_id}, {"email", c->email}};
        audit::record(tx, actor);
    });
}

}  // namespace dh::vendors
