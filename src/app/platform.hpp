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
};

struct Features;  // the feature services; defined in wiring.cpp

/// Owns the feature services for the life of the server.
class FeatureSet {
public:
    explicit FeatureSet(std::unique_ptr<Features> features);
    ~FeatureSet();
    FeatureSet(FeatureSet&&) noexcept;

private:
    std::unique_ptr<Features> features_;
};

/// Builds every feature service and registers its routes and hooks (authenticator, readiness
/// checks). The one place that knows how the features are assembled.
FeatureSet register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform);

}  // namespace dh::app
