#include "app/platform.hpp"
#include "auth/auth_routes.hpp"
#include "auth/auth_service.hpp"
#include "http/pipeline.hpp"
#include "ops/ops_routes.hpp"
#include "tenancy/tenancy_routes.hpp"
#include "tenancy/tenancy_service.hpp"

namespace dh::app {

struct Features {
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<tenancy::TenancyService> tenancy;
};

FeatureSet::FeatureSet(std::unique_ptr<Features> features) : features_(std::move(features)) {}
FeatureSet::~FeatureSet() = default;
FeatureSet::FeatureSet(FeatureSet&&) noexcept = default;

FeatureSet register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform) {
    auto f = std::make_unique<Features>();
    auth::PasswordCost cost;
    f->auth = std::make_unique<auth::AuthService>(platform.pool, platform.config.jwt_secret, cost);
    f->tenancy = std::make_unique<tenancy::TenancyService>(platform.pool, cost);

    auto* auth = f->auth.get();
    pipeline.set_authenticator([auth](const http::Request& req) { return auth->authenticate(std::string(req.header("authorization"))); });

    ops::register_routes(router, platform.pool, platform.metrics);
    auth::register_auth_routes(router, *f->auth, *f->tenancy, platform.config.cookie_secure);
    tenancy::register_tenancy_routes(router, *f->tenancy);
    return FeatureSet(std::move(f));
}

}  // namespace dh::app
