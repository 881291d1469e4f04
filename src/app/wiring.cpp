#include "app/platform.hpp"
#include "auth/auth_routes.hpp"
#include "auth/auth_service.hpp"
#include "delivery/renderer.hpp"
#include "delivery/worker.hpp"
#include "dispatch/attachment_service.hpp"
#include "dispatch/dispatch_routes.hpp"
#include "dispatch/dispatch_service.hpp"
#include "http/pipeline.hpp"
#include "mail/capture_transport.hpp"
#include "ops/ops_routes.hpp"
#include "tenancy/tenancy_routes.hpp"
#include "tenancy/tenancy_service.hpp"
#include "vendors/vendor_routes.hpp"

namespace dh::app {

struct DeliveryStack::Impl {
    std::unique_ptr<mail::Transport> transport;
    std::unique_ptr<delivery::Renderer> renderer;
    std::unique_ptr<delivery::Worker> worker;
};

DeliveryStack::DeliveryStack(const Config& config, db::Pool& pool, const std::string& conninfo)
    : impl_(std::make_unique<Impl>()) {
    impl_->transport = std::make_unique<mail::CaptureTransport>(config.data_dir + "/outbox");
    impl_->renderer = std::make_unique<delivery::Renderer>(pool, config.data_dir, config.mail_domain,
                                                           delivery::derive_routing_key(config.jwt_secret));
    delivery::Worker::Options options;
    options.lease_seconds = config.worker_lease_seconds;
    options.global_rate = config.send_rate_per_second;
    options.retry_base_seconds = config.retry_base_seconds;
    options.retry_max_age_seconds = config.retry_max_age_seconds;
    options.listen_conninfo = conninfo;
    impl_->worker = std::make_unique<delivery::Worker>(pool, *impl_->transport, *impl_->renderer, options);
}

DeliveryStack::~DeliveryStack() { stop(); }
void DeliveryStack::start() { impl_->worker->start(); }
void DeliveryStack::stop() { impl_->worker->stop(); }
std::string DeliveryStack::health() const { return impl_->transport->health(); }

struct Features {
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<tenancy::TenancyService> tenancy;
    std::unique_ptr<dispatch::DispatchService> dispatches;
    std::unique_ptr<dispatch::AttachmentService> attachments;
    std::unique_ptr<DeliveryStack> delivery;  ///< only when the worker is embedded
};

FeatureSet::FeatureSet(std::unique_ptr<Features> features) : features_(std::move(features)) {}
FeatureSet::~FeatureSet() { stop(); }
FeatureSet::FeatureSet(FeatureSet&&) noexcept = default;

void FeatureSet::start() {
    if (features_ && features_->delivery) features_->delivery->start();
}

void FeatureSet::stop() {
    if (features_ && features_->delivery) features_->delivery->stop();
}

FeatureSet register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform) {
    const auto& config = platform.config;
    auto f = std::make_unique<Features>();
    auth::PasswordCost cost;
    f->auth = std::make_unique<auth::AuthService>(platform.pool, config.jwt_secret, cost);
    f->tenancy = std::make_unique<tenancy::TenancyService>(platform.pool, cost);
    f->dispatches = std::make_unique<dispatch::DispatchService>(platform.pool, config.mail_domain);
    f->attachments = std::make_unique<dispatch::AttachmentService>(platform.pool, config.data_dir);
    if (config.worker_embedded) f->delivery = std::make_unique<DeliveryStack>(config, platform.pool, platform.conninfo);

    auto* auth = f->auth.get();
    pipeline.set_authenticator([auth](const http::Request& req) { return auth->authenticate(std::string(req.header("authorization"))); });

    std::vector<ops::ReadinessCheck> checks;
    if (auto* delivery = f->delivery.get()) checks.push_back([delivery] { return delivery->health(); });
    ops::register_routes(router, platform.pool, platform.metrics, checks);
    auth::register_auth_routes(router, *f->auth, *f->tenancy, config.cookie_secure);
    tenancy::register_tenancy_routes(router, *f->tenancy);
    dispatch::register_dispatch_routes(router, *f->dispatches, *f->attachments);
    vendors::register_vendor_routes(router, platform.pool, platform.config.data_dir);
    return FeatureSet(std::move(f));
}

}  // namespace dh::app
