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

/// Registers every feature's routes and hooks (authenticator, readiness checks). The one place
/// that knows how the features are assembled.
void register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform);

}  // namespace dh::app
