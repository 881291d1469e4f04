#include "billing/invoice_json.hpp"

#include "billing/invoice_lines.hpp"
#include "common/strings.hpp"
#include "http/json_fields.hpp"

namespace dh::billing {
namespace {

nlohmann::json lines_json(const std::vector<InvoiceLine>& lines) {
    auto out = nlohmann::json::array();
    for (auto& l : lines)
        out.push_back({{"kind", l.kind},
                       {"description", l.description},
                       {"quantity", l.quantity},
                       {"unit_cents", l.unit_cents},
                       {"amount_cents", l.amount_cents}});
    return out;
}

using strings::html_escape;

std::string money(long long cents, const std::string& currency) {
    auto abs = cents < 0 ? -cents : cents;
    auto frac = std::to_string(abs % 100);
    return (cents < 0 ? "-" : "") + std::to_string(abs / 100) + "." + (frac.size() < 2 ? "0" : "") + frac + " " +
           currency;
}

}  // namespace

nlohmann::json to_json(const Invoice& v) {
    auto payments = nlohmann::json::array();
    for (auto& p : v.payments)
        payments.push_back({{"id", p.id},
                            {"amount_cents", p.amount_cents},
                            {"paid_on", p.paid_on},
                            {"reference", p.reference},
                            {"created_at", p.created_at}});
    return {{"id", v.id},
            {"number", number_label(v.number)},
            {"sequence", v.number},
            {"tenant_id", v.tenant_id},
            {"tenant", {{"id", v.tenant_id}, {"name", v.tenant_name}}},
            {"period_start", v.period_start},
            {"period_end", v.period_end},
            {"status", v.status},
            {"currency", v.currency},
            {"plan_name", v.plan_name},
            {"emails_sent", v.emails_sent},
            {"lines", lines_json(v.lines)},
            {"total_cents", v.total_cents},
            {"paid_cents", v.paid_cents},
            {"balance_cents", v.status == "void" ? 0 : v.total_cents - v.paid_cents},
            {"payments", payments},
            {"issued_at", http::opt_json(v.issued_at)},
            {"paid_at", http::opt_json(v.paid_at)},
            {"voided_at", http::opt_json(v.voided_at)},
            {"void_reason", http::opt_json(v.void_reason)},
            {"created_at", v.created_at}};
}

nlohmann::json to_json(const InvoicePreview& p) {
    return {{"tenant_id", p.tenant_id},     {"period", p.period.label},    {"period_start", p.period.start},
            {"period_end", p.period.end},   {"currency", p.currency},      {"emails_sent", p.emails_sent},
            {"lines", lines_json(p.lines)}, {"total_cents", p.total_cents}};
}

nlohmann::json to_json(const CloseResult& r) {
    return {{"period", r.period.label}, {"period_start", r.period.start}, {"period_end", r.period.end},
            {"created", r.created},     {"existing", r.existing},         {"summary", summary(r)}};
}

std::string to_html(const Invoice& v) {
    std::string rows;
    for (auto& l : v.lines)
        rows += "<tr><td>" + html_escape(l.description) + "</td><td class=n>" + std::to_string(l.quantity) +
                "</td><td class=n>" + html_escape(money(l.unit_cents, v.currency)) + "</td><td class=n>" +
                html_escape(money(l.amount_cents, v.currency)) + "</td></tr>\n";
    auto number = html_escape(number_label(v.number));
    return "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Invoice " + number +
           "</title>\n<style>body{font-family:sans-serif;max-width:48em;margin:2em auto}"
           "table{width:100%;border-collapse:collapse}td,th{padding:.4em;border-bottom:1px solid #ccc;text-align:left}"
           ".n{text-align:right}@media print{a{display:none}}</style></head>\n<body>\n<h1>Invoice " +
           number + "</h1>\n<p>" + html_escape(v.tenant_name) + "<br>Period " + html_escape(v.period_start) + " to " +
           html_escape(v.period_end) + " (end exclusive)<br>Status: " + html_escape(v.status) +
           "</p>\n<table><thead><tr><th>Item</th><th class=n>Qty</th><th class=n>Unit</th><th class=n>Amount</th></tr>"
           "</thead>\n<tbody>\n" +
           rows + "</tbody>\n<tfoot><tr><th colspan=3>Total</th><th class=n>" +
           html_escape(money(v.total_cents, v.currency)) + "</th></tr><tr><td colspan=3>Paid</td><td class=n>" +
           html_escape(money(v.paid_cents, v.currency)) + "</td></tr></tfoot></table>\n</body></html>\n";
}

}  // namespace dh::billing
