#include "billing/invoice_lines.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dh::billing {
namespace {

BillingBasis basis(long long sent, std::optional<long long> overage) {
    return {"t", "p", "Tiny", "EUR", 4900, overage, 1000, sent};
}

TEST(InvoiceLines, PlanPriceOnlyWithinTheIncludedVolume) {
    auto lines = invoice_lines(basis(1000, 200), "2026-01");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].kind, "plan");
    EXPECT_EQ(lines[0].amount_cents, 4900);
    EXPECT_EQ(total_of(lines), 4900);
}

TEST(InvoiceLines, OverageIsChargedPerStartedThousand) {
    auto lines = invoice_lines(basis(2001, 200), "2026-01");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[1].kind, "overage");
    EXPECT_EQ(lines[1].quantity, 2);  // 1,001 above the included 1,000
    EXPECT_EQ(lines[1].unit_cents, 200);
    EXPECT_EQ(total_of(lines), 4900 + 400);
}

TEST(InvoiceLines, HardStopPlansNeverChargeOverage) {
    EXPECT_EQ(invoice_lines(basis(5000, std::nullopt), "2026-01").size(), 1u);
}

TEST(Periods, MonthsAndTheLastFinishedOne) {
    auto p = period_of("2026-12");
    EXPECT_EQ(p.start, "2026-12-01");
    EXPECT_EQ(p.end, "2027-01-01");
    EXPECT_EQ(previous_period("2026-01-15").label, "2025-12");
    EXPECT_EQ(previous_period("2026-03-31").start, "2026-02-01");
    for (auto bad : {"2026-13", "2026-1", "26-01", "2026/01", "", "2026-00", "abcd-01"})
        EXPECT_THROW(period_of(bad), Error) << bad;
}

TEST(Periods, NumbersAreZeroPadded) {
    EXPECT_EQ(number_label(42), "INV-000042");
    EXPECT_EQ(number_label(1234567), "INV-1234567");
}

}  // namespace
}  // namespace dh::billing
