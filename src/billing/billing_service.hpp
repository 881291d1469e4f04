#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/auth_service.hpp"
#include "auth/principal.hpp"
#include "billing/invoice.hpp"

namespace dh::db {
class Pool;
}

namespace dh::billing {

/// The running period's charges so far: the lines an invoice would have today.
struct InvoicePreview {
    std::string tenant_id;
    Period period;
    std::string currency;
    long long emails_sent = 0;
    std::vector<InvoiceLine> lines;
    long long total_cents = 0;
};

struct CloseResult {
    Period period;
    int created = 0;   ///< invoices made now
    int existing = 0;  ///< tenants already invoiced for the period (closing is idempotent)
};

/// "period 2026-05 closed: 2 invoice(s) created, 1 already invoiced": what the CLI prints and the
/// web UI shows after closing.
std::string summary(const CloseResult& result);

/// Invoices: generated at period close, numbered without gaps, immutable once issued.
class BillingService {
public:
    explicit BillingService(db::Pool& pool) : pool_(pool) {}

    InvoicePreview preview(const std::string& tenant_id);
    /// Invoices every tenant (or one) for `period` (YYYY-MM; default: the last finished month). A
    /// month that has not begun is refused (invalid `period`); the running one may be closed.
    CloseResult close_period(const std::optional<std::string>& period,
                             const std::optional<std::string>& tenant_id = {});
    /// close_period for every tenant on a super admin's behalf (the web UI), recorded in the audit
    /// log as billing.period_closed with the counts.
    CloseResult close_period_by(const auth::Principal& actor, const std::optional<std::string>& period,
                                const auth::Origin& origin);

    std::vector<Invoice> list(const InvoiceFilter& filter, int limit, const std::optional<std::string>& after_created,
                              const std::optional<std::string>& after_id);
    Invoice get(const std::string& id);
    Invoice issue(const auth::Principal& actor, const std::string& id, const auth::Origin& origin);
    Invoice void_invoice(const auth::Principal& actor, const std::string& id, const std::string& reason,
                         const auth::Origin& origin);
    /// Records a payment of an issued invoice; fully paid → status paid.
    Invoice add_payment(const auth::Principal& actor, const std::string& id, long long amount_cents,
                        const std::string& paid_on, const std::string& reference, const auth::Origin& origin);

    // Tenant side: issued, paid and void invoices of the caller's tenant (drafts are internal).
    std::vector<Invoice> list_own(const std::string& tenant_id, int limit,
                                  const std::optional<std::string>& after_created,
                                  const std::optional<std::string>& after_id);
    Invoice own(const std::string& tenant_id, const std::string& id);

private:
    db::Pool& pool_;
};

/// Closes the last finished period every `interval` in the background. Closing is idempotent and
/// serialised by the invoice counter, so any number of API processes may run one.
class PeriodCloseScheduler {
public:
    PeriodCloseScheduler(BillingService& billing, std::chrono::seconds interval)
        : billing_(billing), interval_(interval) {}
    ~PeriodCloseScheduler() { stop(); }
    void start();
    void stop();

private:
    void run();

    BillingService& billing_;
    std::chrono::seconds interval_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace dh::billing
