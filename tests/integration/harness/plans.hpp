#pragma once
// Plan checks: the plan PostgreSQL really chose for a statement the server ran, read from the
// server's log. The database's application login runs with auto_explain and client_min_messages =
// log, so each plan comes back to the server as a notice, which libpq prints to its stderr (the
// server's log). Only the application login is affected: the tests' own connections stay quiet.
#include <memory>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "harness/cluster.hpp"

namespace dh::test {

/// A migrated database on which the server's tenant-scoped statements log their plans. Start a
/// TestServer on it with {"DATABASE_URL", database->url()}.
inline std::unique_ptr<TestDatabase> explained_database() {
    auto database = std::make_unique<TestDatabase>("plans", Schema::migrated);
    db::Connection owner(database->conninfo());
    auto login = owner.exec("SELECT login FROM database_logins WHERE purpose = 'app'").text(0, "login");
    for (const char* setting : {"session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0",
                                "client_min_messages = log"})
        owner.exec_script("ALTER ROLE \"" + login + "\" IN DATABASE \"" + database->name() + "\" SET " + setting);
    return database;
}

/// The plans in a server log of statements whose text contains `needle`, most recent last. Each
/// is the text from "Query Text:" to the end of that notice.
inline std::vector<std::string> logged_plans(const std::string& log, const std::string& needle) {
    static const std::string kStart = "LOG:  duration: ";
    std::vector<std::string> plans;
    for (auto at = log.find(kStart); at != std::string::npos;) {
        auto next = log.find(kStart, at + kStart.size());
        auto plan = log.substr(at, next == std::string::npos ? std::string::npos : next - at);
        // The notice ends where the server's own (JSON) log lines resume.
        if (auto json = plan.find("\n{"); json != std::string::npos) plan.resize(json);
        if (plan.find(needle) != std::string::npos) plans.push_back(plan);
        at = next;
    }
    return plans;
}

}  // namespace dh::test
