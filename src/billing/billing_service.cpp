#include "billing/billing_service.hpp"

#include "audit/audit.hpp"
#include "billing/invoice_lines.hpp"
#include "billing/invoice_store.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"

namespace dh::billing {
namespace {

Invoice existing(db::Tx& tx, const std::string& id) {
    if (!strings::is_uuid(id)) throw Error::not_found("Invoice");
    auto v = invoice_store::by_id(tx, id);
    if (!v) throw Error::not_found("Invoice");
    return *v;
}

void record(db::Tx& tx, const auth::Principal& actor, const auth::Origin& origin, const std::string& action,
            const Invoice& v, nlohmann::json details = nlohmann::json::object()) {
    auto e = audit::by(actor, origin.request_id, origin.client_ip, action, "invoice", v.id);
    e.tenant_id = v.tenant_id;
    details["number"] = number_label(v.number);
    e.details = std::move(details);
    audit::record(tx, e);
}

void require_status(const Invoice& v, const std::string& status, const std::string& action) {
    if (v.status != status)
        throw Error::conflict("invoice_" + v.status, "Invoice " + number_label(v.number) + " is " + v.status +
                                                         " and cannot be " + action + ".");
}

/// One tenant's invoice for `period`, in its own transaction; false when it exists already.
bool invoice_tenant(db::Pool& pool, const BillingBasis& basis, const Period& period) {
    return db::with_tx(pool, db::Scope::platform(), [&](db::Tx& tx) {
        invoice_store::lock_counter(tx);
        if (invoice_store::live_invoice(tx, basis.tenant_id, period.start)) return false;
        auto lines = invoice_lines(basis, period.label);
        auto id = invoice_store::insert(tx, basis, period, invoice_store::next_number(tx), total_of(lines));
        for (std::size_t i = 0; i < lines.size(); ++i)
            invoice_store::insert_line(tx, basis.tenant_id, id, static_cast<int>(i) + 1, lines[i]);
        audit::Entry e;
        e.tenant_id = basis.tenant_id;
        e.actor_label = "billing period close";
        e.action = "invoice.generated";
        e.target_type = "invoice";
        e.target_id = id;
        e.details = {{"period", period.label}, {"total_cents", total_of(lines)}};
        audit::record(tx, e);
        return true;
    });
}

}  // namespace

InvoicePreview BillingService::preview(const std::string& tenant_id) {
    if (!strings::is_uuid(tenant_id)) throw Error::not_found("Tenant");
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        // The lines closing the running period would give now: the plan in force runs to its end.
        auto period = period_of(invoice_store::today(tx).substr(0, 7));
        auto bases = invoice_store::bases(tx, period, tenant_id);
        if (bases.empty()) throw Error::not_found("Tenant");
        auto lines = invoice_lines(bases.front(), period.label);
        return InvoicePreview{tenant_id, period,         bases.front().currency, bases.front().emails_sent,
                              lines,     total_of(lines)};
    });
}

std::string summary(const CloseResult& r) {
    return "period " + r.period.label + " closed: " + std::to_string(r.created) + " invoice(s) created, " +
           std::to_string(r.existing) + " already invoiced";
}

CloseResult BillingService::close_period(const std::optional<std::string>& label,
                                         const std::optional<std::string>& tenant_id) {
    CloseResult result;
    auto bases = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto today = invoice_store::today(tx);
        result.period = label ? period_of(*label) : previous_period(today);
        // Invoices of a month to come would charge a plan before anything of it ran.
        if (result.period.start > today) throw Error::invalid_field("period", "has not begun yet");
        return invoice_store::bases(tx, result.period, tenant_id);
    });
    for (auto& basis : bases) {
        if (invoice_tenant(pool_, basis, result.period))
            ++result.created;
        else
            ++result.existing;
    }
    return result;
}

CloseResult BillingService::close_period_by(const auth::Principal& actor, const std::optional<std::string>& period,
                                            const auth::Origin& origin) {
    auto result = close_period(period);
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto e = audit::by(actor, origin.request_id, origin.client_ip, "billing.period_closed", "period",
                           result.period.label);
        e.details = {{"period", result.period.label}, {"created", result.created}, {"existing", result.existing}};
        audit::record(tx, e);
    });
    return result;
}

std::vector<Invoice> BillingService::list(const InvoiceFilter& filter, int limit,
                                          const std::optional<std::string>& after_created,
                                          const std::optional<std::string>& after_id) {
    if (filter.tenant_id && !strings::is_uuid(*filter.tenant_id))
        throw Error::invalid_field("tenant_id", "must be a UUID");
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        return invoice_store::list(tx, filter, false, limit, after_created, after_id);
    });
}

Invoice BillingService::get(const std::string& id) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { return existing(tx, id); });
}

Invoice BillingService::issue(const auth::Principal& actor, const std::string& id, const auth::Origin& origin) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto v = existing(tx, id);
        require_status(v, "draft", "issued");
        invoice_store::set_status(tx, id, "issued", std::nullopt);
        record(tx, actor, origin, "invoice.issued", v);
        return existing(tx, id);
    });
}

Invoice BillingService::void_invoice(const auth::Principal& actor, const std::string& id, const std::string& reason,
                                     const auth::Origin& origin) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto v = existing(tx, id);
        if (v.status != "draft" && v.status != "issued") require_status(v, "issued", "voided");
        invoice_store::set_status(tx, id, "void", reason);
        record(tx, actor, origin, "invoice.voided", v, {{"reason", reason}});
        return existing(tx, id);
    });
}

Invoice BillingService::add_payment(const auth::Principal& actor, const std::string& id, long long amount_cents,
                                    const std::string& paid_on, const std::string& reference,
                                    const auth::Origin& origin) {
    if (amount_cents <= 0) throw Error::invalid_field("amount_cents", "must be positive");
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto v = existing(tx, id);
        require_status(v, "issued", "paid");
        invoice_store::add_payment(tx, v, amount_cents, paid_on, reference, actor.id);
        bool settled = v.paid_cents + amount_cents >= v.total_cents;
        if (settled) invoice_store::set_status(tx, id, "paid", std::nullopt);
        record(tx, actor, origin, "invoice.payment_recorded", v,
               {{"amount_cents", amount_cents}, {"paid_on", paid_on}, {"reference", reference}, {"settled", settled}});
        return existing(tx, id);
    });
}

std::vector<Invoice> BillingService::list_own(const std::string& tenant_id, int limit,
                                              const std::optional<std::string>& after_created,
                                              const std::optional<std::string>& after_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        return invoice_store::list(tx, InvoiceFilter{}, true, limit, after_created, after_id);
    });
}

Invoice BillingService::own(const std::string& tenant_id, const std::string& id) {
    auto v = db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return existing(tx, id); });
    if (v.status == "draft") throw Error::not_found("Invoice");
    return v;
}

void PeriodCloseScheduler::start() {
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void PeriodCloseScheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodCloseScheduler::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
        lock.unlock();
        try {
            auto result = billing_.close_period(std::nullopt);
            if (result.created > 0)
                log::info("billing period closed", {{"period", result.period.label}, {"invoices", result.created}});
        } catch (const std::exception& e) {
            log::warn("billing period close failed; retrying at the next interval", {{"error", e.what()}});
        }
        lock.lock();
    }
}

}  // namespace dh::billing
