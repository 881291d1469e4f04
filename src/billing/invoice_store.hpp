#pragma once
#include <optional>
#include <string>
#include <vector>

#include "billing/invoice.hpp"

namespace dh::db {
class Tx;
}

namespace dh::billing::invoice_store {

/// UTC today as YYYY-MM-DD (the database clock, the same one the usage counters use).
std::string today(db::Tx& tx);
/// Tenants that existed before `period.end`, with the plans in force during the period (segments,
/// from the plan history), the plan at its end, and the period's sent count.
std::vector<BillingBasis> bases(db::Tx& tx, const Period& period, const std::optional<std::string>& tenant_id);
/// Locks the invoice counter until the transaction ends: invoice creation is serialised by it.
void lock_counter(db::Tx& tx);
/// The next number (the counter must be locked by this transaction).
long long next_number(db::Tx& tx);
std::optional<std::string> live_invoice(db::Tx& tx, const std::string& tenant_id, const std::string& period_start);
std::string insert(db::Tx& tx, const BillingBasis& basis, const Period& period, long long number,
                   long long total_cents);
void insert_line(db::Tx& tx, const std::string& tenant_id, const std::string& invoice_id, int position,
                 const InvoiceLine& line);
std::optional<Invoice> by_id(db::Tx& tx, const std::string& id);
/// Newest first, keyset after (created_at, id); `issued_only` hides drafts (the tenant's view).
std::vector<Invoice> list(db::Tx& tx, const InvoiceFilter& filter, bool issued_only, int limit,
                          const std::optional<std::string>& after_created, const std::optional<std::string>& after_id);
void set_status(db::Tx& tx, const std::string& id, const std::string& status, const std::optional<std::string>& reason);
void add_payment(db::Tx& tx, const Invoice& invoice, long long amount_cents, const std::string& paid_on,
                 const std::string& reference, const std::optional<std::string>& recorded_by);

}  // namespace dh::billing::invoice_store
