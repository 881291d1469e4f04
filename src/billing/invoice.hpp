#pragma once
#include <optional>
#include <string>
#include <vector>

namespace dh::billing {

struct InvoiceLine {
    std::string kind;  ///< plan | overage
    std::string description;
    long long quantity = 0;
    long long unit_cents = 0;
    long long amount_cents = 0;
};

struct Payment {
    std::string id;
    long long amount_cents = 0;
    std::string paid_on;  ///< YYYY-MM-DD
    std::string reference;
    std::string created_at;
};

struct Invoice {
    std::string id;
    std::string tenant_id;
    std::string tenant_name;
    long long number = 0;
    std::string period_start, period_end;  ///< [start, end) as YYYY-MM-DD
    std::string status;                    ///< draft | issued | paid | void
    std::string currency;
    long long total_cents = 0;
    long long paid_cents = 0;
    std::string plan_name;
    long long emails_sent = 0;
    std::optional<std::string> issued_at, paid_at, voided_at, void_reason;
    std::string created_at;
    std::vector<InvoiceLine> lines;
    std::vector<Payment> payments;
};

/// A stretch of a billing period on one plan.
struct PlanSegment {
    std::string plan_name;
    long long price_cents = 0;
    std::string from, until;  ///< "YYYY-MM-DD HH:MM" UTC; until is exclusive
    long long seconds = 0;
};

/// What an invoice for a tenant's period is computed from. The plan fields are those of the plan
/// in force at the period's end.
struct BillingBasis {
    std::string tenant_id;
    std::string plan_id;
    std::string plan_name;
    std::string currency;
    long long price_cents = 0;
    std::optional<long long> overage_cents_per_1000;  ///< none: hard stop, never overage
    long long included_emails = 0;                    ///< the plan's emails per period
    long long emails_sent = 0;
    std::vector<PlanSegment> segments;  ///< the period's plans in order; more than one: charged pro rata
};

/// A calendar month [start, end).
struct Period {
    std::string label;  ///< YYYY-MM
    std::string start, end;
};

struct InvoiceFilter {
    std::optional<std::string> status, tenant_id;
};

}  // namespace dh::billing
