#pragma once
#include <memory>

#include "app/config.hpp"
#include "db/pool.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace dh::http {
class Pipeline;
}

namespace dh::app {

/// What every feature module gets at wiring time. Built once by the composition root.
struct Platform {
    const Config& config;
    db::Pool& pool;
    http::Metrics& metrics;
    std::string conninfo;  ///< of the database (the worker LISTENs on its own connection)
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

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dh::app
