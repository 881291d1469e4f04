#pragma once
#include <chrono>
#include <string>

#include "harness/net.hpp"
#include "harness/wait.hpp"

namespace dh::test {

/// POST /api/v1/vendors/import with a CSV body; waits for a background job and answers its final
/// state (the report's fields at the top level) so tests read both paths alike.
inline HttpResponse import_csv(const HttpClient& http, const std::string& csv, const std::string& query = "") {
    auto r = http.request("POST", "/api/v1/vendors/import" + query, csv, {{"Content-Type", "text/csv"}});
    if (r.status != 202) return r;
    auto id = r.json()["id"].get<std::string>();
    HttpResponse job;
    wait_until(
        [&] {
            job = http.get("/api/v1/imports/" + id);
            return job.json().value("status", "") != "running";
        },
        std::chrono::seconds(60), std::chrono::milliseconds(100));
    return job;
}

/// `n` vendors with one contact each (the acceptance check's shape): the first `bad` have broken emails.
inline std::string vendors_csv(int n, int bad, const std::string& list = "imported") {
    std::string out = "code,name,email,contact_name,role,category,list\r\n";
    char code[16];
    for (int i = 0; i < n; ++i) {
        std::snprintf(code, sizeof code, "V%06d", i);
        std::string name =
            i % 97 == 0 ? "\"Vendor " + std::to_string(i) + ", \"\"Ltd\"\"\"" : "Vendor " + std::to_string(i);
        std::string email = i >= bad ? "ap" + std::to_string(i) + "@vendor" + std::to_string(i) + ".example"
                                     : "broken" + std::to_string(i) + "@@nowhere";
        out += std::string(code) + "," + name + "," + email + ",Contact " + std::to_string(i) + ",ap,parts," + list +
               "\r\n";
    }
    return out;
}

/// Data rows of a CSV document (records after the header; quoted line breaks do not count).
inline int csv_data_rows(const std::string& csv) {
    int records = 0;
    bool quoted = false;
    for (char c : csv) {
        if (c == '"')
            quoted = !quoted;
        else if (c == '\n' && !quoted)
            ++records;
    }
    return records - 1;
}

}  // namespace dh::test
