#include "app/platform.hpp"
#include "http/pipeline.hpp"
#include "ops/ops_routes.hpp"
#include "vendors/vendor_routes.hpp"

namespace dh::app {

void register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform) {
    (void)pipeline;
    ops::register_routes(router, platform.pool, platform.metrics);
    vendors::register_vendor_routes(router, platform.pool, platform.config.data_dir);
}

}  // namespace dh::app
