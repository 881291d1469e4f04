#pragma once
#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>

#include "harness/tenants.hpp"
#include "harness/wait.hpp"
#include "vendors/vendors_test_util.hpp"

namespace dh::test {

/// Imports a vendor CSV through the real import API and waits for it; returns the id of the list
/// "everyone" (the CSV's list column should name it).
inline std::string import_csv(TenantSession& t, const std::string& csv) {
    auto r = import_csv(t.http, csv);
    if (r.status != 200 && r.status != 201)
        throw std::runtime_error("import -> " + std::to_string(r.status) + " " + r.body);
    auto lists = t.http.get("/api/v1/lists").json();
    for (auto& l : lists["items"])
        if (l["name"] == "everyone") return l["id"].get<std::string>();
    throw std::runtime_error("no list 'everyone' after import");
}

/// N vendors "Vendor i" (code Vi) with one contact "Contact i" <api@vendori.example>, all in list
/// "everyone", imported through the real CSV import API. Returns the list id.
inline std::string import_vendors(TenantSession& t, int n, int first = 0) {
    std::ostringstream csv;
    csv << "code,name,email,contact_name,role,list\r\n";
    for (int i = first; i < first + n; ++i)
        csv << "V" << i << ",Vendor " << i << ",ap" << i << "@vendor" << i << ".example,Contact " << i
            << ",ap,everyone\r\n";
    return import_csv(t, csv.str());
}

inline nlohmann::json dispatch_body(const std::string& list_id,
                                    const std::string& subject = "Payment run for {{vendor.name}}") {
    return {{"subject", subject},
            {"body_markdown", "Dear {{contact.name}},\n\n.\nA line after a lone dot.\n\nRegards"},
            {"recipients", {{"list_ids", {list_id}}}}};
}

/// Polls the dispatch until it reaches `status` (or the time runs out); returns the last answer.
inline nlohmann::json wait_for_status(TenantSession& t, const std::string& id, const std::string& status,
                                      int seconds = 120) {
    nlohmann::json d;
    wait_until(
        [&] {
            d = t.http.get("/api/v1/dispatches/" + id).json();
            return d["status"] == status;
        },
        std::chrono::seconds(seconds), std::chrono::milliseconds(100));
    return d;
}

inline long count_files(const std::string& dir) {
    long n = 0;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.path().extension() == ".eml") ++n;
    return n;
}

}  // namespace dh::test
