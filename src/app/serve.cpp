#include "app/serve.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <iostream>
#include <utility>

#include "app/database.hpp"
#include "app/platform.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "db/migrate.hpp"
#include "delivery/unsendable_values.hpp"
#include "files/attachment_sweep.hpp"
#include "http/pipeline.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"

namespace fs = std::filesystem;

namespace dh::app {
namespace {

/// Holds an exclusive lock on DATA_DIR for the process lifetime: a second `serve` on the same data
/// directory must fail cleanly instead of sharing (and corrupting) its cluster and files.
class DataDirLock {
public:
    explicit DataDirLock(const std::string& data_dir) {
        fs::create_directories(data_dir);
        std::string path = data_dir + "/dispatchhub.lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw std::runtime_error("DATA_DIR: cannot create " + path);
        if (flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw std::runtime_error("DATA_DIR: another dispatchhub serve is already running with DATA_DIR=" +
                                     data_dir);
        auto pid = std::to_string(getpid()) + "\n";
        if (ftruncate(fd_, 0) == 0 && ::write(fd_, pid.data(), pid.size()) < 0) {
        }
    }
    ~DataDirLock() {
        if (fd_ >= 0) ::close(fd_);
    }

private:
    int fd_ = -1;
};

/// Before uploads or mail are accepted: what an interrupted write left is resolved against the rows.
void sweep_attachment_files(db::Pool& pool, const std::string& data_dir) {
    try {
        auto report = files::sweep_attachments(pool, files::AttachmentFiles(data_dir));
        if (report.published || report.removed_staged || report.set_aside)
            log::info("attachment files swept", {{"published", report.published},
                                                 {"removed_staged", report.removed_staged},
                                                 {"set_aside", report.set_aside},
                                                 {"set_aside_to", data_dir + "/orphaned-attachments"}});
    } catch (const std::exception& e) {
        log::warn("attachment sweep failed; files are left as they are", {{"error", e.what()}});
    }
}

}  // namespace

int run_migrate(const Config& config) {
    auto database = open_database(config);
    auto report = db::migrate(database.conninfo);
    std::cout << "migrations: " << report.applied << " applied, schema at version " << report.current << "\n";
    return 0;
}

int run_worker(const Config& config) {
    auto database = open_database(config);
    db::migrate(database.conninfo);
    db::Pool pool(database.pool_options(8));
    DeliveryStack delivery(config, pool, pool.conninfo(db::Login::platform));
    delivery.start();
    boost::asio::io_context ioc(1);
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int signal) {
        log::info("worker shutting down", {{"signal", signal}});
    });
    ioc.run();
    delivery.stop();
    return 0;
}

int run_serve(const Config& config) {
    DataDirLock lock(config.data_dir);
    fs::create_directories(config.data_dir + "/tmp");
    auto database = open_database(config);
    auto report = db::migrate(database.conninfo);
    log::info(
        "database ready",
        {{"schema_version", report.current}, {"applied", report.applied}, {"embedded", database.embedded != nullptr}});

    db::Pool pool(database.pool_options(config.db_pool_size));
    delivery::warn_about_unsendable_values(pool);
    sweep_attachment_files(pool, config.data_dir);
    http::Metrics metrics;
    http::Router router;
    auto web_root = http::StaticFiles::locate(config.web_root);
    if (web_root.empty()) log::warn("no web UI build found (web/dist); serving the API only");
    http::Pipeline pipeline(router, metrics, std::make_shared<http::StaticFiles>(web_root));
    Platform platform{config, pool, metrics, pool.conninfo(db::Login::platform)};
    auto features = register_features(router, pipeline, platform);
    features.start();

    boost::asio::io_context ioc(1);
    boost::asio::thread_pool handlers(static_cast<std::size_t>(config.http_threads));
    // Whatever ends this function, the features' listeners go before the io_context they are bound
    // to (declared after it, this guard is destroyed first). A failed start used to destroy them
    // after it, which read freed memory instead of reporting the error.
    struct StopFeaturesFirst {
        FeatureSet& features;
        ~StopFeaturesFirst() { features.stop(); }
    } stop_features_first{features};
    http::Server::Options options;
    options.host = config.http_host;
    options.port = config.http_port;
    options.max_body = config.max_body_bytes;
    options.idle_timeout = std::chrono::seconds(config.http_idle_timeout_seconds);
    options.body_timeout = std::chrono::seconds(config.http_body_timeout_seconds);
    options.spool_dir = fs::absolute(config.data_dir + "/tmp").string();
    options.trusted_proxies = http::TrustedProxies::parse(config.trusted_proxies);
    http::Server server(ioc, handlers, router, pipeline, options);
    std::uint16_t port = server.listen();
    server.start();
    features.listen(ioc, handlers);
    log::info("listening", {{"url", "http://" + config.http_host + ":" + std::to_string(port)},
                            {"version", DH_VERSION},
                            {"web_root", web_root}});

    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log::info("shutting down", {{"signal", signal}});
        server.shutdown([&] { features.shutdown_listeners([&ioc] { ioc.stop(); }); });
    });
    ioc.run();
    handlers.join();
    features.stop();
    log::info("stopped");
    return 0;
}

}  // namespace dh::app
