#pragma once
#include <string>
#include <vector>

#include "billing/invoice.hpp"

namespace dh::billing {

/// The plan price, and for emails sent above the plan's included volume (possible when a limit
/// override raises the tenant's cap) one overage line per started 1,000 at the plan's overage price.
std::vector<InvoiceLine> invoice_lines(const BillingBasis& basis, const std::string& period_label);
long long total_of(const std::vector<InvoiceLine>& lines);

/// "YYYY-MM" → the calendar month; throws a validation error for anything else.
Period period_of(const std::string& label);
/// The month before the one holding `today` (YYYY-MM-DD): the last finished period.
Period previous_period(const std::string& today);
/// Invoice numbers as shown: INV-000042.
std::string number_label(long long number);

}  // namespace dh::billing
