#include "harness/dns_zone.hpp"

#include <fstream>
#include <stdexcept>

#include "smtp/smtp_peers.hpp"

namespace dh::test {

DnsZone::DnsZone() : dir_(std::make_unique<smtp::TempDir>()) {
    save();
    server_ =
        std::make_unique<smtp::Peer>(std::vector<std::string>{"/usr/bin/python3", smtp::tools_dir() + "/dns_server.py",
                                                              "--zone", dir_->file("zone.json")},
                                     "READY ");
    port_ = server_->port();
}

DnsZone::~DnsZone() = default;

std::string DnsZone::address() const {
    return "127.0.0.1:" + std::to_string(port_);
}

void DnsZone::save() const {
    // Written aside and renamed: a query never reads half a zone.
    auto tmp = dir_->file("zone.json.tmp");
    std::ofstream(tmp) << zone_.dump();
    std::rename(tmp.c_str(), dir_->file("zone.json").c_str());
}

void DnsZone::remove(const std::string& name) {
    auto kept = nlohmann::json::array();
    for (auto& r : zone_["records"])
        if (r["name"] != name) kept.push_back(r);
    zone_["records"] = kept;
    save();
}

void DnsZone::set_txt(const std::string& name, const std::string& value) {
    remove(name);
    zone_["records"].push_back({{"name", name}, {"type", "TXT"}, {"value", value}});
    save();
}

void DnsZone::set_cname(const std::string& name, const std::string& target) {
    remove(name);
    zone_["records"].push_back({{"name", name}, {"type", "CNAME"}, {"value", target}});
    save();
}

void DnsZone::servfail(bool on) {
    zone_["mode"] = on ? "servfail" : "answer";
    save();
}

void DnsZone::stop() {
    server_.reset();
}

nlohmann::json record(const nlohmann::json& domain, const std::string& purpose) {
    for (auto& r : domain["records"])
        if (r["purpose"] == purpose) return r;
    return nullptr;
}

nlohmann::json add_verified_domain(const TenantSession& tenant, DnsZone& zone, const std::string& domain) {
    auto added = tenant.http.post("/api/v1/domains", {{"domain", domain}});
    if (added.status != 201) throw std::runtime_error("add domain " + domain + " -> " + added.body);
    auto d = added.json();
    for (auto& r : d["records"])
        if (r["purpose"] == "ownership" || r["purpose"] == "dkim")
            zone.set_txt(r["name"].get<std::string>(), r["value"].get<std::string>());
    auto verified =
        tenant.http.post("/api/v1/domains/" + d["id"].get<std::string>() + "/verify", nlohmann::json::object());
    if (verified.status != 200 || verified.json()["status"] != "verified")
        throw std::runtime_error("verify domain " + domain + " -> " + verified.body);
    return verified.json();
}

}  // namespace dh::test
