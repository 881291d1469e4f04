#include "harness/tenants.hpp"

#include <fstream>
#include <stdexcept>

#include "common/random.hpp"

namespace dh::test {

namespace {
const std::string kRootEmail = "root@platform.test";
const std::string kRootPassword = "Root-platform-Passw0rd!";
}  // namespace

PlatformSession::PlatformSession(TestServer& server) : server_(server), root_(server.base()) {
    std::string file = server.data_dir() + "/root.pw";
    std::ofstream(file) << kRootPassword;
    auto r = run_binary({"admin", "create-superadmin", "--email", kRootEmail, "--password-file", file}, server.env());
    if (r.exit_code != 0) throw std::runtime_error("create-superadmin failed: " + r.output);
    root_.set_token(login(kRootEmail, kRootPassword));
}

std::string PlatformSession::login(const std::string& email, const std::string& password, const std::string& tenant) {
    HttpClient anon(server_.base());
    nlohmann::json body = {{"email", email}, {"password", password}};
    if (!tenant.empty()) body["tenant"] = tenant;
    auto r = anon.post("/api/v1/auth/login", body);
    if (r.status != 200) throw std::runtime_error("login " + email + " -> " + std::to_string(r.status) + " " + r.body);
    return r.json()["access_token"].get<std::string>();
}

TenantSession PlatformSession::create_tenant(const std::string& slug) {
    TenantSession t{"", slug, "admin@" + slug + ".test", "Tenant-" + slug + "-Passw0rd!", HttpClient(server_.base())};
    auto r = root_.post("/api/v1/admin/tenants", {{"name", slug + " Inc."},
                                                  {"slug", slug},
                                                  {"admin_email", t.admin_email},
                                                  {"admin_password", t.admin_password}});
    if (r.status != 201)
        throw std::runtime_error("create tenant " + slug + " -> " + std::to_string(r.status) + " " + r.body);
    t.id = r.json()["id"].get<std::string>();
    t.http.set_token(login(t.admin_email, t.admin_password, slug));
    return t;
}

}  // namespace dh::test
