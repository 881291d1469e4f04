#include "app/database.hpp"

#include <filesystem>

#include "aws/secret_config.hpp"
#include "common/log.hpp"
#include "db/logins.hpp"

namespace dh::app {

Database open_database(const Config& config, bool stop_on_exit) {
    Database db;
    db.app_url = config.database_app_url;
    db.platform_url = config.database_platform_url;
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
    options.platform_on_connect = "SET ROLE dispatchhub_platform";
    std::optional<db::LoginConninfos> recorded;
    if (!app_url || !platform_url) recorded = db::recorded_logins(conninfo);
    std::string app = app_url ? *app_url : recorded ? recorded->app : "";
    std::string platform = platform_url ? *platform_url : recorded ? recorded->platform : "";
    log::info("database logins", {{"app", app_url    ? "DATABASE_APP_URL"
                                          : recorded ? "recorded"
                                                     : "DATABASE_URL"},
                                  {"platform", platform_url ? "DATABASE_PLATFORM_URL"
                                               : recorded   ? "recorded"
                                                            : "DATABASE_URL"}});
    if (!app.empty()) {
        options.conninfo = app;
    } else if (secret_refresher) {
        options.connector = [refresher = secret_refresher](const std::string& url,
                                                           const db::Pool::Options::Attempt& attempt) {
            return refresher->with_refetch(url, attempt);
        };
    }
    options.platform_conninfo = platform.empty() ? conninfo : platform;
    return options;
}

}  // namespace dh::app
