#pragma once
#include <string>
#include <vector>

namespace dh::db {

class Connection;

struct Migration {
    int version;
    std::string name;  ///< file name, e.g. 0002_identity.sql
    std::string sql;
};

/// The migrations compiled into the binary, in version order.
std::vector<Migration> embedded_migrations();

struct MigrationReport {
    int applied = 0;      ///< applied by this call
    int current = 0;      ///< highest version now recorded
    bool logins = false;  ///< the database's app and platform logins exist (see db/logins.hpp)
};

/// Creates the roles DispatchHub relies on (schema owner, application role, platform role) and
/// applies pending migrations, each in its own transaction as the schema owner, under an advisory
/// lock so that concurrent callers apply each migration once; then makes sure the database's
/// app and platform logins exist (db/logins.hpp). `conninfo` is a privileged login
/// (CREATEROLE or superuser), never the application role.
MigrationReport migrate(const std::string& conninfo);

/// Highest applied version (0 when none), read through an existing connection.
int applied_version(Connection& conn);

}  // namespace dh::db
