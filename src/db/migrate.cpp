#include "db/migrate.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "common/log.hpp"
#include "common/resources.hpp"
#include "db/connection.hpp"
#include "db/logins.hpp"

namespace dh::db {
namespace {

constexpr long long kMigrationLockKey = 7261934404711L;  // any constant shared by every DispatchHub process

// Roles are cluster-wide: two databases of one cluster may migrate at once, so creation races
// are expected and tolerated.
constexpr const char* kBootstrapRoles = R"SQL(
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['dispatchhub_owner', 'dispatchhub_app', 'dispatchhub_platform'] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
      EXECUTE format('GRANT %I TO %I', r, current_user);
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
  END LOOP;
END $$;
GRANT USAGE, CREATE ON SCHEMA public TO dispatchhub_owner;
GRANT USAGE ON SCHEMA public TO dispatchhub_app, dispatchhub_platform;
SET ROLE dispatchhub_owner;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dispatchhub_app, dispatchhub_platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dispatchhub_app, dispatchhub_platform;
CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON schema_migrations TO dispatchhub_app, dispatchhub_platform;
RESET ROLE;
)SQL";

int version_of(std::string_view file) {
    return std::atoi(std::string(file).c_str());
}

}  // namespace

std::vector<Migration> embedded_migrations() {
    std::vector<Migration> out;
    for (auto& r : resources::all()) {
        constexpr std::string_view prefix = "migrations/";
        if (r.path.substr(0, prefix.size()) != prefix || !r.path.ends_with(".sql")) continue;
        auto file = std::string(r.path.substr(prefix.size()));
        out.push_back({version_of(file), file, std::string(r.content)});
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.version < b.version; });
    return out;
}

namespace {

std::set<int> applied_versions(Connection& conn) {
    std::set<int> out;
    auto exists = conn.exec("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
    if (!exists.boolean(0, "present")) return out;
    auto r = conn.exec("SELECT version FROM schema_migrations");
    for (int i = 0; i < r.rows(); ++i) out.insert(static_cast<int>(r.integer(i, "version")));
    return out;
}

}  // namespace

int applied_version(Connection& conn) {
    auto applied = applied_versions(conn);
    return applied.empty() ? 0 : *applied.rbegin();
}

MigrationReport migrate(const std::string& conninfo) {
    Connection conn(conninfo);
    conn.exec_script("SET client_min_messages = warning");
    conn.exec("SELECT pg_advisory_lock($1)", {static_cast<long long>(kMigrationLockKey)});
    MigrationReport report;
    try {
        conn.exec_script(kBootstrapRoles);
        // Every missing version is applied, not only those above the newest: two branches that each
        // add a migration may land in either order on a database that already has one of them.
        auto applied = applied_versions(conn);
        int current = applied.empty() ? 0 : *applied.rbegin();
        for (auto& m : embedded_migrations()) {
            if (applied.count(m.version)) continue;
            conn.exec_script("BEGIN");
            try {
                conn.exec_script("SET LOCAL ROLE dispatchhub_owner");
                conn.exec_script(m.sql);
                conn.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", {m.version, m.name});
                conn.exec_script("COMMIT");
            } catch (...) {
                conn.exec_script("ROLLBACK");
                throw;
            }
            log::info("migration applied", {{"version", m.version}, {"name", m.name}});
            ++report.applied;
            current = std::max(current, m.version);
        }
        report.current = current;
        report.logins = ensure_logins(conn);
    } catch (...) {
        conn.exec("SELECT pg_advisory_unlock($1)", {static_cast<long long>(kMigrationLockKey)});
        throw;
    }
    conn.exec("SELECT pg_advisory_unlock($1)", {static_cast<long long>(kMigrationLockKey)});
    return report;
}

}  // namespace dh::db
