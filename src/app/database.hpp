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

    /// Pool settings for this database: connections run as the application role and, with
    /// DATABASE_SECRET_ARN, an authentication failure refetches the secret once (rotation).
    db::Pool::Options pool_options(int size) const;
};

/// Opens (and for the embedded default, starts or adopts) the database. `stop_on_exit`: stop the
/// embedded cluster when the returned object dies, if this call started it.
Database open_database(const Config& config, bool stop_on_exit = true);

}  // namespace dh::app
