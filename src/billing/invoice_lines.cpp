#include "billing/invoice_lines.hpp"

#include <cstdio>

#include "common/error.hpp"

namespace dh::billing {
namespace {

std::string two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

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

}  // namespace

std::vector<InvoiceLine> invoice_lines(const BillingBasis& b, const std::string& period_label) {
    std::vector<InvoiceLine> lines;
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
