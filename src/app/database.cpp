#include "app/database.hpp"

#include <filesystem>

#include "aws/secret_config.hpp"

namespace dh::app {

Database open_database(const Config& config, bool stop_on_exit) {
    Database db;
    if (config.database_url) {
        db.conninfo = *config.database_url;
        auto refresher = std::make_shared<aws::DatabaseSecretRefresher>(process_env());
        if (refresher->enabled()) db.secret_refresher = std::move(refresher);
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

db::Pool::Options Database::pool_options(int size) const {
    db::Pool::Options options{conninfo, size, std::chrono::milliseconds(5000), "SET ROLE dispatchhub_app", {}};
    if (secret_refresher)
        options.connector = [refresher = secret_refresher](const std::string& url, const db::Pool::Options::Attempt& attempt) {
            return refresher->with_refetch(url, attempt);
        };
    return options;
}

}  // namespace dh::app
