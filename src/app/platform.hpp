#pragma once
#include <memory>

#include "app/config.hpp"
#include "db/pool.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace boost::asio {
class io_context;
class thread_pool;
}  // namespace boost::asio
namespace dh::http {
class Pipeline;
}

namespace dh::app {

/// What every feature module gets at wiring time. Built once by the composition root.
struct Platform {
    const Config& config;
    db::Pool& pool;
    http::Metrics& metrics;
    std::string conninfo;  ///< of the platform login (the worker LISTENs on its own connection)
};

struct Features;  // the feature services; defined in wiring.cpp

/// Owns the feature services for the life of the server.
class FeatureSet {
public:
    explicit FeatureSet(std::unique_ptr<Features> features);
    ~FeatureSet();
    FeatureSet(FeatureSet&&) noexcept;
    /// Starts background work (the embedded delivery worker unless WORKER_EMBEDDED=0).
    void start();
    /// Stops it, letting batches in flight finish.
    void stop();
    /// Binds and starts the inbound SMTP listener (unless SMTP_LISTEN=off) on `ioc`; its
    /// database work runs on `handlers`. Throws when the address cannot be bound.
    void listen(boost::asio::io_context& ioc, boost::asio::thread_pool& handlers);
    /// Stops accepting and lets messages in flight finish, then calls `done` (on the io_context).
    void shutdown_listeners(std::function<void()> done);

private:
    std::unique_ptr<Features> features_;
};

/// Builds every feature service and registers its routes and hooks (authenticator, readiness
/// checks). The one place that knows how the features are assembled.
FeatureSet register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform);

/// The delivery side alone (transport, renderer, worker), for `serve` and `dispatchhub worker`.
class DeliveryStack {
public:
    DeliveryStack(const Config& config, db::Pool& pool, const std::string& conninfo);
    ~DeliveryStack();
    void start();
    void stop();
    std::string health() const;
    /// Outcomes of sent messages the worker has not recorded yet.
    std::size_t outcomes_waiting() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dh::app
