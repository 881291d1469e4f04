#include "app/database.hpp"

#include <filesystem>

namespace dh::app {

Database open_database(const Config& config, bool stop_on_exit) {
    Database db;
    if (config.database_url) {
        db.conninfo = *config.database_url;
        return db;
    }
    std::filesystem::create_directories(config.data_dir);
    db::EmbeddedPostgres::Options opts;
    opts.base_dir = db::EmbeddedPostgres::location_for_data_dir(config.data_dir);
    opts.stop_on_destroy = stop_on_exit;
    db.embedded = std::make_unique<db::EmbeddedPostgres>(opts);
    db.conninfo = db.embedded->start();
    return db;
}

}  // namespace dh::app
