#pragma once
#include <string>
#include <vector>

#include "billing/invoice.hpp"

namespace dh::billing {

/// The plan price, and for emails sent above the plan's included volume (possible when a limit
/// override raises the tenant's cap) one overage line per started 1,000 at the plan's overage price.
/// A period with plan changes has one plan line per segment instead, each plan charged for its share
/// of the period (of the tenant's part of it, in its first period) by the second; overage is measured
/// against the plan in force at the period's end (the limit the quota enforced on the period's count).
std::vector<InvoiceLine> invoice_lines(const BillingBasis& basis, const std::string& period_label);
/// The plan lines of a period with plan changes. Integer minor units, rounded cumulatively: each line
/// is the rounded running total minus the lines before it, so the lines sum exactly to the rounded
/// exact total, each is within one unit of its exact share, and the last takes the remainder.
std::vector<InvoiceLine> pro_rata_lines(const std::vector<PlanSegment>& segments);
long long total_of(const std::vector<InvoiceLine>& lines);

/// "YYYY-MM" → the calendar month; throws a validation error for anything else.
Period period_of(const std::string& label);
/// The month before the one holding `today` (YYYY-MM-DD): the last finished period.
Period previous_period(const std::string& today);
/// Invoice numbers as shown: INV-000042.
std::string number_label(long long number);

}  // namespace dh::billing
