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

constexpr long long kDay = 86400;

PlanSegment segment(const std::string& plan, long long price, long long days,
                    const std::string& from = "2026-01-01 00:00", const std::string& until = "2026-01-11 00:00") {
    return {plan, price, from, until, days * kDay};
}

TEST(ProRata, EachPlanIsChargedForItsShareOfThePeriod) {
    auto b = basis(0, 200);
    b.segments = {segment("Standard", 4900, 10), segment("Tiny", 3100, 21, "2026-01-11 00:00", "2026-02-01 00:00")};
    auto lines = invoice_lines(b, "2026-01");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].description, "Plan Standard, 2026-01-01 00:00 to 2026-01-11 00:00 UTC (10.00 of 31.00 days)");
    EXPECT_EQ(lines[1].description, "Plan Tiny, 2026-01-11 00:00 to 2026-02-01 00:00 UTC (21.00 of 31.00 days)");
    EXPECT_EQ(lines[0].amount_cents, 1581);  // 4900 x 10/31 = 1580.65
    EXPECT_EQ(lines[1].amount_cents, 2100);  // running total 1580.65 + 2100.00 = 3680.65 -> 3681
    EXPECT_EQ(lines[0].quantity, 1);
    EXPECT_EQ(lines[0].unit_cents, lines[0].amount_cents);
    EXPECT_EQ(total_of(lines), 3681);
}

TEST(ProRata, LinesSumToTheRoundedExactTotalWhateverTheSplit) {
    for (long long first = 1; first < 31 * kDay; first += 7919 * 13) {
        std::vector<PlanSegment> s = {
            {"A", 4999, "", "", first}, {"B", 1, "", "", 31 * kDay - first - 1}, {"C", 4999, "", "", 1}};
        __int128 exact = static_cast<__int128>(4999) * first + (31 * kDay - first - 1) + 4999;
        auto expected = static_cast<long long>((2 * exact + 31 * kDay) / (2 * 31 * kDay));
        auto lines = pro_rata_lines(s);
        EXPECT_EQ(total_of(lines), expected) << first;
        for (auto& l : lines) EXPECT_GE(l.amount_cents, 0) << first;
    }
}

TEST(ProRata, TheSamePriceAllPeriodCostsThePrice) {
    auto lines = pro_rata_lines({segment("A", 4900, 3), segment("B", 4900, 17), segment("C", 4900, 11)});
    EXPECT_EQ(total_of(lines), 4900);
}

TEST(ProRata, AFreePlanSegmentCostsNothing) {
    auto lines = pro_rata_lines({segment("Paid", 1000, 1), segment("Free", 0, 2)});
    EXPECT_EQ(lines[0].amount_cents, 333);
    EXPECT_EQ(lines[1].amount_cents, 0);
}

TEST(ProRata, OverageIsMeasuredAgainstThePlanAtThePeriodEnd) {
    auto b = basis(2500, 200);  // ends on a 1,000-email plan
    b.segments = {segment("Big", 9900, 15), segment("Tiny", 4900, 16)};
    auto lines = invoice_lines(b, "2026-01");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2].kind, "overage");
    EXPECT_EQ(lines[2].quantity, 2);
}

TEST(ProRata, OneSegmentIsTheWholePeriodAsBefore) {
    auto b = basis(10, 200);
    b.segments = {segment("Tiny", 4900, 31)};
    auto lines = invoice_lines(b, "2026-01");
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].description, "Plan Tiny, 2026-01");
    EXPECT_EQ(lines[0].amount_cents, 4900);
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
