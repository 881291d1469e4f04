#pragma once
#include <memory>
#include <string>

#include "app/config.hpp"
#include "db/embedded_postgres.hpp"
#include "db/pool.hpp"

namespace dh::aws {
class DatabaseSecretRefresher;
}

namespace dh::app {

/// The database the process uses: DATABASE_URL, or the embedded cluster under DATA_DIR.
struct Database {
    std::unique_ptr<db::EmbeddedPostgres> embedded;  ///< set when no DATABASE_URL was given
    std::string conninfo;
    /// Set when DATABASE_SECRET_ARN is: a refused password makes the pool read the secret again.
    std::shared_ptr<aws::DatabaseSecretRefresher> secret_refresher;
    /// DATABASE_APP_URL / DATABASE_PLATFORM_URL when the operator gives the logins.
    std::optional<std::string> app_url;
    std::optional<std::string> platform_url;

    /// Pool settings for this database: tenant-scoped work connects with the app login (member of
    /// dispatchhub_app only), platform-scope work with the platform login (member of
    /// dispatchhub_platform only): DATABASE_APP_URL / DATABASE_PLATFORM_URL, else the logins
    /// `migrate` recorded. Without either, the DATABASE_URL login narrowed by SET ROLE, and with
    /// DATABASE_SECRET_ARN an authentication failure refetches the secret once (rotation).
    db::Pool::Options pool_options(int size) const;
};

/// Opens (and for the embedded default, starts or adopts) the database. `stop_on_exit`: stop the
/// embedded cluster when the returned object dies, if this call started it.
Database open_database(const Config& config, bool stop_on_exit = true);

}  // namespace dh::app
