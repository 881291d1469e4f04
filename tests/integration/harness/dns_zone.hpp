#pragma once
// A real DNS server for the sending-domain tests (tests/tools/dns_server.py, python3-dnslib) with a
// zone the test edits while it runs, and the steps that take a tenant's domain to `verified`.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/tenants.hpp"

namespace dh::test {

namespace smtp {
class Peer;
class TempDir;
}  // namespace smtp

class DnsZone {
public:
    DnsZone();
    ~DnsZone();
    /// host:port, as DNS_RESOLVER takes it.
    std::string address() const;
    /// Replaces the TXT records of `name` with `value`.
    void set_txt(const std::string& name, const std::string& value);
    /// Makes `name` an alias (CNAME) of `target`, in place of its other records.
    void set_cname(const std::string& name, const std::string& target);
    void remove(const std::string& name);
    /// SERVFAIL to every query (true) or answers again (false).
    void servfail(bool on);
    /// Stops the server: lookups find nobody to ask.
    void stop();

private:
    void save() const;
    std::unique_ptr<smtp::TempDir> dir_;
    std::unique_ptr<smtp::Peer> server_;
    int port_ = 0;
    nlohmann::json zone_ = {{"mode", "answer"}, {"records", nlohmann::json::array()}};
};

/// Adds `domain` for the tenant, publishes its ownership and DKIM records in `zone` and verifies it;
/// returns the verified domain's answer (throws when any step fails).
/// The first record of `purpose` in a domain's answer (null when there is none).
nlohmann::json record(const nlohmann::json& domain, const std::string& purpose);

nlohmann::json add_verified_domain(const TenantSession& tenant, DnsZone& zone, const std::string& domain);

}  // namespace dh::test
