#include "domains/domain_records.hpp"

#include "common/strings.hpp"

namespace dh::domains {
namespace {

DnsRecord record(std::string purpose, std::string name, std::string value, std::string status) {
    DnsRecord r;
    r.purpose = std::move(purpose);
    r.name = std::move(name);
    r.value = std::move(value);
    r.status = std::move(status);
    return r;
}

std::string dkim_name(const std::string& selector, const std::string& domain) {
    return selector + "._domainkey." + domain;
}

std::string without_blanks(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
    return out;
}

bool starts_with_tag(const std::string& value, std::string_view tag) {
    return strings::to_lower(strings::trim(value)).starts_with(tag);
}

/// Verified when one value matches; otherwise mismatch when there are values, missing when none.
void judge(DnsRecord& r, const std::vector<std::string>& found, bool (*matches)(const DnsRecord&, const std::string&)) {
    r.found = found;
    r.status = found.empty() ? "missing" : "mismatch";
    for (auto& v : found)
        if (matches(r, v)) r.status = "verified";
}

bool ownership_matches(const DnsRecord& r, const std::string& v) {
    return strings::trim(v) == r.value;
}

bool cname_matches(const DnsRecord& r, const std::string& v) {
    auto target = strings::to_lower(strings::trim(v));
    while (!target.empty() && target.back() == '.') target.pop_back();
    return target == r.value;
}

bool dkim_matches(const DnsRecord& r, const std::string& v) {
    auto want = dkim_public_key(r.value);
    return !want.empty() && dkim_public_key(v) == want;
}

}  // namespace

std::string dkim_public_key(const std::string& record_value) {
    for (auto& tag : strings::split(record_value, ';')) {
        auto t = strings::trim(tag);
        if (t.size() >= 2 && (t[0] == 'p' || t[0] == 'P') && strings::trim(t.substr(1)).starts_with('='))
            return without_blanks(t.substr(t.find('=') + 1));
    }
    return {};
}

std::vector<DnsRecord> expected_records(const Domain& d, const RecordAdvice& advice) {
    std::vector<DnsRecord> out;
    out.push_back(
        record("ownership", "_dispatchhub." + d.domain, "dispatchhub-verification=" + d.ownership_token, "missing"));
    out.push_back(
        record("dkim", dkim_name(d.dkim_selector, d.domain), "v=DKIM1; k=rsa; p=" + d.dkim_public, "missing"));
    if (d.next_selector && d.next_public)
        out.push_back(
            record("dkim", dkim_name(*d.next_selector, d.domain), "v=DKIM1; k=rsa; p=" + *d.next_public, "missing"));
    if (d.ed25519_selector && d.ed25519_public)
        out.push_back(record("dkim", dkim_name(*d.ed25519_selector, d.domain),
                             "v=DKIM1; k=ed25519; p=" + *d.ed25519_public, "missing"));
    if (!advice.return_path_target.empty()) {
        auto r = record("return_path", "bounce." + d.domain, strings::to_lower(advice.return_path_target), "missing");
        r.type = "CNAME";
        out.push_back(std::move(r));
    }
    out.push_back(record("spf", d.domain, "v=spf1 " + advice.spf_mechanism + " ~all", "advisory"));
    out.push_back(record("dmarc", "_dmarc." + d.domain, "v=DMARC1; p=none; adkim=r; aspf=r", "advisory"));
    return out;
}

std::vector<DnsRecord> with_latest(std::vector<DnsRecord> expected, const std::vector<DnsRecord>& latest) {
    for (auto& r : expected)
        for (auto& l : latest)
            if (l.purpose == r.purpose && l.name == r.name && (r.purpose != "dkim" || l.value == r.value)) {
                r.status = l.status;
                r.found = l.found;
            }
    return expected;
}

std::vector<DnsQuery> lookup_queries(const std::vector<DnsRecord>& records) {
    std::vector<DnsQuery> out;
    for (auto& r : records) out.push_back({r.name, r.type == "CNAME" ? DnsQuery::Type::cname : DnsQuery::Type::txt});
    return out;
}

void apply_lookups(std::vector<DnsRecord>& records, const std::vector<TxtLookup>& lookups) {
    for (std::size_t i = 0; i < records.size() && i < lookups.size(); ++i) {
        auto& r = records[i];
        const auto& l = lookups[i];
        if (l.error) continue;
        if (r.purpose == "ownership") {
            judge(r, l.values, ownership_matches);
        } else if (r.purpose == "dkim") {
            judge(r, l.values, dkim_matches);
        } else if (r.purpose == "return_path") {
            judge(r, l.values, cname_matches);
        } else {
            std::string_view tag = r.purpose == "spf" ? "v=spf1" : "v=dmarc1";
            r.found.clear();
            for (auto& v : l.values)
                if (starts_with_tag(v, tag)) r.found.push_back(v);
            r.status = "advisory";
        }
    }
}

bool return_path_verified(const std::vector<DnsRecord>& records) {
    for (auto& r : records)
        if (r.purpose == "return_path") return r.status == "verified";
    return false;
}

bool dkim_verified(const std::vector<DnsRecord>& records, const std::string& selector, const std::string& domain) {
    for (auto& r : records)
        if (r.purpose == "dkim" && r.name == dkim_name(selector, domain)) return r.status == "verified";
    return false;
}

bool proves_domain(const std::vector<DnsRecord>& records, const std::string& dkim_selector, const std::string& domain) {
    bool ownership = false;
    for (auto& r : records)
        if (r.purpose == "ownership") ownership = r.status == "verified";
    return ownership && dkim_verified(records, dkim_selector, domain);
}

std::string next_status(const std::string& current, bool proven) {
    if (proven) return "verified";
    return current == "pending" ? "pending" : "failing";
}

}  // namespace dh::domains
