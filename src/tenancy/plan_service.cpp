#include "tenancy/plan_service.hpp"

#include <regex>

#include "audit/audit.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "tenancy/plan_store.hpp"

namespace dh::tenancy {
namespace {

nlohmann::json changes_json(const PlanChanges& c) {
    auto out = nlohmann::json::object();
    if (c.name) out["name"] = *c.name;
    if (c.currency) out["currency"] = *c.currency;
    if (c.price_cents) out["price_cents"] = *c.price_cents;
    if (c.overage_cents_per_1000)
        out["overage_cents_per_1000"] =
            *c.overage_cents_per_1000 ? nlohmann::json(**c.overage_cents_per_1000) : nlohmann::json();
    if (c.emails_per_period) out["emails_per_period"] = *c.emails_per_period;
    if (c.recipients_per_dispatch) out["recipients_per_dispatch"] = *c.recipients_per_dispatch;
    if (c.vendors) out["vendors"] = *c.vendors;
    if (c.users) out["users"] = *c.users;
    if (c.attachment_bytes) out["attachment_bytes"] = *c.attachment_bytes;
    if (c.send_rate_per_second) out["send_rate_per_second"] = *c.send_rate_per_second;
    if (c.retired) out["retired"] = *c.retired;
    return out;
}

void record(db::Tx& tx, const auth::Principal& actor, const auth::Origin& origin, const std::string& action,
            const std::string& plan_id, nlohmann::json details) {
    auto e = audit::by(actor, origin.request_id, origin.client_ip, action, "plan", plan_id);
    e.details = std::move(details);
    audit::record(tx, e);
}

Error name_taken() {
    return Error::conflict("plan_name_taken", "A plan with this name already exists.");
}

}  // namespace

Plan apply(Plan p, const PlanChanges& c) {
    if (c.name) p.name = strings::trim(*c.name);
    if (c.currency) p.currency = *c.currency;
    if (c.price_cents) p.price_cents = *c.price_cents;
    if (c.overage_cents_per_1000) p.overage_cents_per_1000 = *c.overage_cents_per_1000;
    if (c.emails_per_period) p.limits.emails_per_period = *c.emails_per_period;
    if (c.recipients_per_dispatch) p.limits.recipients_per_dispatch = *c.recipients_per_dispatch;
    if (c.vendors) p.limits.vendors = *c.vendors;
    if (c.users) p.limits.users = *c.users;
    if (c.attachment_bytes) p.limits.attachment_bytes = *c.attachment_bytes;
    if (c.send_rate_per_second) p.limits.send_rate_per_second = *c.send_rate_per_second;
    if (c.retired) p.retired = *c.retired;
    return p;
}

void validate(const Plan& p) {
    static const std::regex currency("^[A-Z]{3}$");
    if (p.name.empty() || p.name.size() > 100 || strings::has_line_break_or_nul(p.name))
        throw Error::invalid_field("name", "must be 1 to 100 characters on one line");
    if (!std::regex_match(p.currency, currency))
        throw Error::invalid_field("currency", "must be an ISO 4217 code such as EUR");
    if (p.price_cents < 0) throw Error::invalid_field("price_cents", "must not be negative");
    if (p.overage_cents_per_1000 && *p.overage_cents_per_1000 < 0)
        throw Error::invalid_field("overage_cents_per_1000", "must not be negative (null: hard stop)");
    const auto& l = p.limits;
    for (auto [field, value] : {std::pair{"limits.emails_per_period", l.emails_per_period},
                                {"limits.recipients_per_dispatch", l.recipients_per_dispatch},
                                {"limits.vendors", l.vendors},
                                {"limits.users", l.users},
                                {"limits.attachment_bytes", l.attachment_bytes}})
        if (value < 0) throw Error::invalid_field(field, "must not be negative");
    if (!(l.send_rate_per_second >= 0))
        throw Error::invalid_field("limits.send_rate_per_second", "must not be negative");
}

std::vector<Plan> PlanService::list(bool include_retired) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return plan_store::list(tx, include_retired); });
}

Plan PlanService::get(const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Plan");
    auto p = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return plan_store::by_id(tx, id); });
    if (!p) throw Error::not_found("Plan");
    return *p;
}

Plan PlanService::create(const auth::Principal& actor, const PlanChanges& input, const auth::Origin& origin) {
    auto plan = apply(Plan{}, input);
    if (!input.currency) plan.currency = "EUR";
    validate(plan);
    try {
        return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            auto created = plan_store::insert(tx, plan);
            record(tx, actor, origin, "plan.created", created.id, changes_json(input));
            return created;
        });
    } catch (const Error& e) {
        if (e.code() == "already_exists") throw name_taken();
        throw;
    }
}

Plan PlanService::update(const auth::Principal& actor, const std::string& id, const PlanChanges& changes,
                         const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("Plan");
    try {
        return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            auto current = plan_store::by_id(tx, id);
            if (!current) throw Error::not_found("Plan");
            auto plan = apply(*current, changes);
            validate(plan);
            // An invoice has one currency and charges each plan of its period pro rata.
            if (plan.currency != current->currency && plan_store::uses(tx, id) > 0)
                throw Error::conflict("plan_in_use", "Tenants or invoices use this plan in " + current->currency +
                                                         ": its currency cannot change. Create a plan in " +
                                                         plan.currency + " instead.");
            if (plan.retired && plan_store::is_default(tx, id))
                throw Error::conflict("default_plan", "The default plan of new tenants cannot be retired.");
            plan_store::update(tx, plan);
            bool retiring = plan.retired && !current->retired;
            record(tx, actor, origin, retiring ? "plan.retired" : "plan.updated", id, changes_json(changes));
            return plan;
        });
    } catch (const Error& e) {
        if (e.code() == "already_exists") throw name_taken();
        throw;
    }
}

void PlanService::remove(const auth::Principal& actor, const std::string& id, const auth::Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("Plan");
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto plan = plan_store::by_id(tx, id);
        if (!plan) throw Error::not_found("Plan");
        if (plan_store::is_default(tx, id))
            throw Error::conflict("default_plan", "The default plan of new tenants cannot be deleted.");
        if (plan_store::uses(tx, id) > 0)
            throw Error::conflict("plan_in_use",
                                  "Tenants, their plan history or invoices use this plan: retire it instead.");
        plan_store::remove(tx, id);
        record(tx, actor, origin, "plan.deleted", id, {{"name", plan->name}});
    });
}

}  // namespace dh::tenancy
