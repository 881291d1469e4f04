#pragma once
#include <optional>
#include <string>

namespace dh::db {

class Connection;

/// Creates (or repairs) this database's two logins and records them in database_logins: one that
/// can become only dispatchhub_app, one that can become only dispatchhub_platform, both NOINHERIT
/// so that `RESET ROLE` leaves a session with no privileges at all. Run by `migrate` on the owner's
/// connection. Returns false, changing nothing, when that login may not create roles.
bool ensure_logins(Connection& owner);

struct LoginConninfos {
    std::string app;       ///< becomes dispatchhub_app
    std::string platform;  ///< becomes dispatchhub_platform
};

/// The conninfos of the logins recorded in the database of `owner_conninfo`: the same server,
/// database and TLS settings, with the recorded user and password. nullopt when none are recorded
/// (the schema predates them, or the owner could not create them).
std::optional<LoginConninfos> recorded_logins(const std::string& owner_conninfo);

/// `v` quoted as a libpq key=value value.
std::string quote_conninfo(const std::string& v);

/// `conninfo` (URL or key=value) as key=value with `user` and `password` replaced.
std::string with_credentials(const std::string& conninfo, const std::string& user, const std::string& password);

}  // namespace dh::db
