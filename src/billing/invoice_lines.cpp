#include "billing/invoice_lines.hpp"

#include <cstdio>

#include "common/error.hpp"

namespace dh::billing {
namespace {

std::string two(int n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}

Period month(int year, int mon) {
    int next_year = mon == 12 ? year + 1 : year;
    int next_mon = mon == 12 ? 1 : mon + 1;
    auto y = std::to_string(year);
    return {y + "-" + two(mon), y + "-" + two(mon) + "-01", std::to_string(next_year) + "-" + two(next_mon) + "-01"};
}

bool digits(const std::string& s, std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    return true;
}

/// Days with two decimals: 1,209,600 s -> "14.00".
std::string days(long long seconds) {
    long long hundredths = (seconds * 100 + 43200) / 86400;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%02lld", hundredths / 100, hundredths % 100);
    return buf;
}

std::string segment_label(const PlanSegment& s, long long period_seconds) {
    return "Plan " + s.plan_name + ", " + s.from + " to " + s.until + " UTC (" + days(s.seconds) + " of " +
           days(period_seconds) + " days)";
}

}  // namespace

std::vector<InvoiceLine> pro_rata_lines(const std::vector<PlanSegment>& segments) {
    __int128 period = 0;
    for (auto& s : segments) period += s.seconds;
    std::vector<InvoiceLine> lines;
    __int128 exact = 0;  // sum of price x seconds so far; the exact running total is exact / period
    long long billed = 0;
    for (auto& s : segments) {
        exact += static_cast<__int128>(s.price_cents) * s.seconds;
        auto running = period > 0 ? static_cast<long long>((2 * exact + period) / (2 * period)) : 0LL;  // half up
        long long amount = running - billed;
        billed = running;
        lines.push_back({"plan", segment_label(s, static_cast<long long>(period)), 1, amount, amount});
    }
    return lines;
}

std::vector<InvoiceLine> invoice_lines(const BillingBasis& b, const std::string& period_label) {
    std::vector<InvoiceLine> lines;
    if (b.segments.size() > 1)
        lines = pro_rata_lines(b.segments);
    else
        lines.push_back({"plan", "Plan " + b.plan_name + ", " + period_label, 1, b.price_cents, b.price_cents});
    long long over = b.emails_sent - b.included_emails;
    if (b.overage_cents_per_1000 && over > 0) {
        long long blocks = (over + 999) / 1000;
        lines.push_back({"overage",
                         "Overage: " + std::to_string(over) + " emails above the " + std::to_string(b.included_emails) +
                             " included, per started 1,000",
                         blocks, *b.overage_cents_per_1000, blocks * *b.overage_cents_per_1000});
    }
    return lines;
}

long long total_of(const std::vector<InvoiceLine>& lines) {
    long long total = 0;
    for (auto& l : lines) total += l.amount_cents;
    return total;
}

Period period_of(const std::string& label) {
    if (label.size() != 7 || !digits(label, 0, 4) || label[4] != '-' || !digits(label, 5, 2))
        throw Error::invalid_field("period", "must be a month as YYYY-MM");
    int year = std::stoi(label.substr(0, 4));
    int mon = std::stoi(label.substr(5, 2));
    if (year < 2000 || mon < 1 || mon > 12) throw Error::invalid_field("period", "must be a month as YYYY-MM");
    return month(year, mon);
}

Period previous_period(const std::string& today) {
    auto current = period_of(today.substr(0, 7));
    int year = std::stoi(current.label.substr(0, 4));
    int mon = std::stoi(current.label.substr(5, 2));
    return mon == 1 ? month(year - 1, 12) : month(year, mon - 1);
}

std::string number_label(long long number) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "INV-%06lld", number);
    return buf;
}

}  // namespace dh::billing
