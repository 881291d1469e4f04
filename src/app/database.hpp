#pragma once
#include <memory>
#include <string>

#include "app/config.hpp"
#include "db/embedded_postgres.hpp"

namespace dh::app {

/// The database the process uses: DATABASE_URL, or the embedded cluster under DATA_DIR.
struct Database {
    std::unique_ptr<db::EmbeddedPostgres> embedded;  ///< set when no DATABASE_URL was given
    std::string conninfo;
};

/// Opens (and for the embedded default, starts or adopts) the database. `stop_on_exit`: stop the
/// embedded cluster when the returned object dies, if this call started it.
Database open_database(const Config& config, bool stop_on_exit = true);

}  // namespace dh::app
