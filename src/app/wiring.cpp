#include "app/platform.hpp"
#include "audit/audit_routes.hpp"
#include "audit/audit_service.hpp"
#include "auth/account_routes.hpp"
#include "auth/account_service.hpp"
#include "auth/auth_routes.hpp"
#include "auth/auth_service.hpp"
#include "auth/principal_cache.hpp"
#include "billing/billing_routes.hpp"
#include "billing/billing_service.hpp"
#include "common/log.hpp"
#include "db/listener.hpp"
#include "delivery/notifier.hpp"
#include "delivery/renderer.hpp"
#include "delivery/worker.hpp"
#include "dispatch/attachment_service.hpp"
#include "dispatch/dispatch_reader.hpp"
#include "dispatch/dispatch_routes.hpp"
#include "dispatch/dispatch_service.hpp"
#include "domains/domain_recheck.hpp"
#include "domains/domain_routes.hpp"
#include "domains/domain_service.hpp"
#include "domains/signing_keys.hpp"
#include "http/pipeline.hpp"
#include "inbox/inbound_service.hpp"
#include "inbox/inbound_smtp.hpp"
#include "inbox/inbox_routes.hpp"
#include "inbox/inbox_service.hpp"
#include "inbox/ses_inbound.hpp"
#include "mail/capture_transport.hpp"
#include "mail/ses_transport.hpp"
#include "mail/smtp_client.hpp"
#include "mail/smtp_server.hpp"
#include "ops/ops_routes.hpp"
#include "tenancy/plan_routes.hpp"
#include "tenancy/plan_service.hpp"
#include "tenancy/tenancy_routes.hpp"
#include "tenancy/tenancy_service.hpp"
#include "tickets/ticket_routes.hpp"
#include "tickets/ticket_service.hpp"
#include "vendors/vendor_routes.hpp"
#include "webhooks/webhook_routes.hpp"
#include "webhooks/webhook_sender.hpp"
#include "webhooks/webhook_service.hpp"

namespace dh::app {

struct DeliveryStack::Impl {
    std::unique_ptr<mail::Transport> transport;
    std::unique_ptr<domains::SigningKeys> signing_keys;  ///< unless DKIM_SIGNING=off
    std::unique_ptr<delivery::Renderer> renderer;
    std::unique_ptr<delivery::Notifier> notifier;
    std::unique_ptr<delivery::Worker> worker;
    std::unique_ptr<webhooks::WebhookTransport> webhook_transport;
    std::unique_ptr<webhooks::WebhookSender> webhook_sender;
};

/// WEBHOOK_ALLOW_PRIVATE / WEBHOOK_ALLOW_HTTP, said loudly when set: both are for tests.
webhooks::TargetRules webhook_rules(const Config& config) {
    webhooks::TargetRules rules{config.webhook_allow_private, config.webhook_allow_http};
    if (rules.allow_private) log::warn("webhooks may target private and loopback addresses (WEBHOOK_ALLOW_PRIVATE)");
    if (rules.allow_http) log::warn("webhooks may use plain http (WEBHOOK_ALLOW_HTTP)");
    return rules;
}

std::unique_ptr<webhooks::WebhookSender> make_webhook_sender(const Config& config, db::Pool& pool,
                                                             const webhooks::WebhookTransport& transport) {
    webhooks::WebhookSender::Options o;
    o.threads = config.webhook_threads;
    o.timeout_seconds = config.webhook_timeout_seconds;
    o.retry_base_seconds = config.webhook_retry_base_seconds;
    o.retry_max_age_seconds = config.webhook_retry_max_age_seconds;
    return std::make_unique<webhooks::WebhookSender>(pool, transport, webhooks::SecretSeal(config.jwt_secret), o);
}

/// SES_REGION → the SES API; SMTP_URL → the relay; neither → capture files under DATA_DIR/outbox.
std::unique_ptr<mail::Transport> make_transport(const Config& config) {
    auto env = process_env();
    if (auto region = env("SES_REGION"); region && !region->empty()) return mail::SesTransport::from_env(env);
    if (config.smtp_url) {
        mail::SmtpOptions o;
        o.url = mail::SmtpUrl::parse(*config.smtp_url);
        o.connections = config.worker_connections;
        o.helo_name = config.mail_domain;
        log::info("mail transport: SMTP relay", {{"relay", o.url.redacted()}});
        return std::make_unique<mail::SmtpTransport>(std::move(o));
    }
    log::info("mail transport: capture", {{"dir", config.data_dir + "/outbox"}});
    return std::make_unique<mail::CaptureTransport>(config.data_dir + "/outbox");
}

namespace {

delivery::Notifier::Options notifier_options(const Config& config) {
    delivery::Notifier::Options o;
    o.sender = config.platform_sender;
    o.sender_name = config.platform_sender_name;
    o.mail_domain = config.mail_domain;
    o.lease_seconds = config.worker_lease_seconds;
    o.retry_base_seconds = config.retry_base_seconds;
    o.retry_max_age_seconds = config.retry_max_age_seconds;
    return o;
}

delivery::Worker::Options worker_options(const Config& config, const std::string& listen_conninfo) {
    delivery::Worker::Options o;
    o.lease_seconds = config.worker_lease_seconds;
    o.batch = config.worker_batch;
    o.global_rate = config.send_rate_per_second;
    o.retry_base_seconds = config.retry_base_seconds;
    o.retry_max_age_seconds = config.retry_max_age_seconds;
    o.listen_conninfo = listen_conninfo;
    return o;
}

}  // namespace

DeliveryStack::DeliveryStack(const Config& config, db::Pool& pool, const std::string& conninfo)
    : impl_(std::make_unique<Impl>()) {
    impl_->transport = make_transport(config);
    if (config.dkim_signing)
        impl_->signing_keys = std::make_unique<domains::SigningKeys>(pool, webhooks::SecretSeal(config.jwt_secret));
    impl_->renderer = std::make_unique<delivery::Renderer>(pool, config.data_dir, config.mail_domain,
                                                           delivery::derive_routing_key(config.jwt_secret),
                                                           impl_->signing_keys.get());
    impl_->notifier = std::make_unique<delivery::Notifier>(pool, *impl_->transport, notifier_options(config),
                                                           impl_->signing_keys.get());
    impl_->worker = std::make_unique<delivery::Worker>(pool, *impl_->transport, *impl_->renderer,
                                                       worker_options(config, conninfo), impl_->notifier.get());
    impl_->webhook_transport = std::make_unique<webhooks::WebhookTransport>(
        webhook_rules(config), std::chrono::seconds(config.webhook_timeout_seconds));
    impl_->webhook_sender = make_webhook_sender(config, pool, *impl_->webhook_transport);
}

DeliveryStack::~DeliveryStack() {
    stop();
}

void DeliveryStack::start() {
    impl_->worker->start();
    impl_->webhook_sender->start();
}

void DeliveryStack::stop() {
    impl_->webhook_sender->stop();
    impl_->worker->stop();
}
std::string DeliveryStack::health() const {
    return impl_->transport->health();
}
std::size_t DeliveryStack::outcomes_waiting() const {
    return impl_->worker->outcomes_waiting();
}

struct Features {
    /// What authentication keeps between requests, and the listener that tells it of changes made
    /// by other processes. Declared first: the services below hold the cache, the listener is
    /// stopped before it goes.
    std::unique_ptr<auth::PrincipalCache> principals;
    std::unique_ptr<db::Listener> principal_notices;  ///< unless AUTH_CACHE_SECONDS=0
    std::unique_ptr<auth::AuthService> auth;
    std::unique_ptr<auth::AccountService> accounts;
    std::unique_ptr<tenancy::TenancyService> tenancy;
    std::unique_ptr<tenancy::PlanService> plans;
    std::unique_ptr<tickets::TicketService> tickets;
    std::unique_ptr<billing::BillingService> billing;
    std::unique_ptr<audit::AuditService> audit;
    std::unique_ptr<billing::PeriodCloseScheduler> period_close;  ///< unless BILLING_CLOSE_INTERVAL_SECONDS=0
    std::unique_ptr<dispatch::DispatchService> dispatches;
    std::unique_ptr<dispatch::AttachmentService> attachments;
    std::unique_ptr<dispatch::DispatchReader> dispatch_reader;
    std::unique_ptr<DeliveryStack> delivery;  ///< only when the worker is embedded
    std::unique_ptr<inbox::InboxService> inbox;
    std::unique_ptr<inbox::InboundService> inbound;
    std::unique_ptr<inbox::SmtpInbound> smtp_handler;
    std::unique_ptr<inbox::SesInbound> ses;
    std::unique_ptr<webhooks::WebhookService> webhook_service;
    std::unique_ptr<domains::DnsResolver> resolver;
    std::unique_ptr<domains::DomainService> domains;
    std::unique_ptr<domains::DomainRecheckScheduler> domain_recheck;  ///< unless DOMAIN_RECHECK_SECONDS=0
    std::optional<mail::SmtpServer::Options> smtp_options;            ///< unset: SMTP_LISTEN=off
    std::unique_ptr<mail::SmtpServer> smtp;                           ///< made by listen()
};

namespace {

std::optional<mail::SmtpServer::Options> smtp_server_options(const Config& config) {
    if (!config.smtp_listen_enabled) return std::nullopt;
    mail::SmtpServer::Options o;
    o.host = config.smtp_listen_host;
    o.port = config.smtp_listen_port;
    o.hostname = config.mail_domain;
    o.max_message_size = config.smtp_max_message_bytes;
    o.max_sessions = static_cast<std::size_t>(config.smtp_max_sessions);
    o.normalize_bare_lf = config.smtp_normalize_bare_lf;
    o.tls_cert_file = config.smtp_tls_cert;
    o.tls_key_file = config.smtp_tls_key;
    return o;
}

/// What a domain's SPF record must let send for it: the configured transport's senders.
domains::RecordAdvice record_advice(const Config& config) {
    // SES sets its own MAIL FROM domain: no return path of ours to point at.
    if (auto region = process_env()("SES_REGION"); region && !region->empty()) return {"include:amazonses.com", ""};
    if (config.smtp_url) return {"a:" + mail::SmtpUrl::parse(*config.smtp_url).host, config.mail_domain};
    return {"a:" + config.mail_domain, config.mail_domain};
}

std::unique_ptr<domains::DomainService> make_domain_service(const Config& config, db::Pool& pool,
                                                            const domains::DnsResolver& resolver) {
    domains::DomainService::Options o;
    o.mail_domain = config.mail_domain;
    o.advice = record_advice(config);
    o.signing = config.dkim_signing;
    return std::make_unique<domains::DomainService>(pool, resolver, webhooks::SecretSeal(config.jwt_secret), o);
}

inbox::SnsVerifier::Options sns_options(const Config& config) {
    inbox::SnsVerifier::Options o;
    o.host_pattern = config.sns_cert_host_pattern;
    o.ca_file = config.sns_ca_file;
    if (!config.sns_cert_file.empty()) o.fetch = inbox::file_certificate_fetcher(config.sns_cert_file);
    return o;
}

}  // namespace

FeatureSet::FeatureSet(std::unique_ptr<Features> features) : features_(std::move(features)) {}
FeatureSet::~FeatureSet() {
    stop();
}
FeatureSet::FeatureSet(FeatureSet&&) noexcept = default;

void FeatureSet::start() {
    if (features_ && features_->delivery) features_->delivery->start();
    if (features_ && features_->period_close) features_->period_close->start();
    if (features_ && features_->domain_recheck) features_->domain_recheck->start();
}

void FeatureSet::stop() {
    if (features_ && features_->domain_recheck) features_->domain_recheck->stop();
    if (features_ && features_->period_close) features_->period_close->stop();
    if (features_ && features_->delivery) features_->delivery->stop();
    if (features_) features_->smtp.reset();  // before the io_context it was bound to goes away
}

void FeatureSet::listen(boost::asio::io_context& ioc, boost::asio::thread_pool& handlers) {
    if (!features_ || !features_->smtp_options) return;
    auto& o = *features_->smtp_options;
    // Kept only once it listens: a port in use throws here, and the server goes with this frame,
    // while its io_context still exists.
    auto smtp = std::make_unique<mail::SmtpServer>(ioc, handlers, *features_->smtp_handler, o);
    auto port = smtp->listen();
    smtp->start();
    features_->smtp = std::move(smtp);
    log::info("inbound SMTP listening",
              {{"address", o.host + ":" + std::to_string(port)}, {"starttls", !o.tls_cert_file.empty()}});
}

void FeatureSet::shutdown_listeners(std::function<void()> done) {
    if (features_ && features_->smtp) return features_->smtp->shutdown(std::move(done));
    done();
}

FeatureSet register_features(http::Router& router, http::Pipeline& pipeline, Platform& platform) {
    const auto& config = platform.config;
    auto f = std::make_unique<Features>();
    auth::PasswordCost cost;
    f->principals = std::make_unique<auth::PrincipalCache>(std::chrono::seconds(config.auth_cache_seconds));
    f->principals->count_lookups(
        platform.metrics.counter("dispatchhub_auth_cache_hits_total",
                                 "Requests authenticated from what an earlier request read (no database read)"),
        platform.metrics.counter("dispatchhub_auth_cache_misses_total",
                                 "Requests whose user or API key was read from the database"));
    if (config.auth_cache_seconds > 0) {
        auto* principals = f->principals.get();
        f->principal_notices = std::make_unique<db::Listener>(
            platform.conninfo, "dispatchhub_principals",
            db::Listener::Handlers{[principals](const std::string& notice) { principals->apply_notice(notice); },
                                   [principals] { principals->set_listening(true); },
                                   [principals] { principals->set_listening(false); }});
    }
    f->auth = std::make_unique<auth::AuthService>(
        platform.pool, config.jwt_secret, cost,
        platform.metrics.counter("dispatchhub_password_verifications_total",
                                 "Password hashes verified at sign-in (an unknown email costs one too)"),
        f->principals.get());
    f->accounts = std::make_unique<auth::AccountService>(platform.pool, cost, f->principals.get());
    f->tenancy = std::make_unique<tenancy::TenancyService>(platform.pool, cost, f->principals.get());
    f->plans = std::make_unique<tenancy::PlanService>(platform.pool);
    f->tickets = std::make_unique<tickets::TicketService>(platform.pool);
    f->billing = std::make_unique<billing::BillingService>(platform.pool);
    f->audit = std::make_unique<audit::AuditService>(platform.pool);
    if (config.billing_close_interval_seconds > 0)
        f->period_close = std::make_unique<billing::PeriodCloseScheduler>(
            *f->billing, std::chrono::seconds(config.billing_close_interval_seconds));
    f->dispatches = std::make_unique<dispatch::DispatchService>(platform.pool, config.mail_domain);
    f->attachments = std::make_unique<dispatch::AttachmentService>(platform.pool, config.data_dir);
    f->dispatch_reader = std::make_unique<dispatch::DispatchReader>(platform.pool);
    if (config.worker_embedded) f->delivery = std::make_unique<DeliveryStack>(config, platform.pool, platform.conninfo);
    f->inbox = std::make_unique<inbox::InboxService>(platform.pool, *f->dispatches, config.data_dir);
    f->inbound = std::make_unique<inbox::InboundService>(platform.pool, config.data_dir, config.mail_domain,
                                                         delivery::derive_routing_key(config.jwt_secret));
    f->smtp_handler = std::make_unique<inbox::SmtpInbound>(*f->inbound);
    f->ses = std::make_unique<inbox::SesInbound>(*f->inbound, sns_options(config));
    f->smtp_options = smtp_server_options(config);
    f->webhook_service = std::make_unique<webhooks::WebhookService>(
        platform.pool, webhooks::TargetRules{config.webhook_allow_private, config.webhook_allow_http},
        webhooks::SecretSeal(config.jwt_secret));
    f->resolver = std::make_unique<domains::DnsResolver>(domains::DnsResolver::Options{config.dns_resolver});
    f->domains = make_domain_service(config, platform.pool, *f->resolver);
    if (config.domain_recheck_seconds > 0)
        f->domain_recheck = std::make_unique<domains::DomainRecheckScheduler>(
            *f->domains, std::chrono::seconds(config.domain_recheck_seconds));

    auto* auth = f->auth.get();
    pipeline.set_authenticator(
        [auth](const http::Request& req) { return auth->authenticate(std::string(req.header("authorization"))); });

    std::vector<ops::ReadinessCheck> checks;
    if (auto* delivery = f->delivery.get()) {
        checks.push_back([delivery] { return delivery->health(); });
        platform.metrics.gauge("dispatchhub_delivery_outcomes_waiting",
                               "Outcomes of sent messages not recorded yet (they wait while the database is away)",
                               [delivery] { return static_cast<double>(delivery->outcomes_waiting()); });
    }
    ops::register_routes(router, platform.pool, platform.metrics, checks);
    auth::register_auth_routes(router, *f->auth, *f->tenancy, config.cookie_secure);
    auth::register_account_routes(router, *f->accounts);
    tenancy::register_tenancy_routes(router, *f->tenancy);
    tenancy::register_plan_routes(router, *f->plans);
    tickets::register_ticket_routes(router, *f->tickets);
    billing::register_billing_routes(router, *f->billing);
    audit::register_audit_routes(router, *f->audit);
    dispatch::register_dispatch_routes(router, *f->dispatches, *f->attachments, *f->dispatch_reader);
    vendors::register_vendor_routes(router, platform.pool, platform.config.data_dir);
    inbox::register_inbox_routes(router, *f->inbox);
    inbox::register_inbound_routes(router, *f->ses);
    webhooks::register_webhook_routes(router, *f->webhook_service);
    domains::register_domain_routes(router, *f->domains);
    return FeatureSet(std::move(f));
}

}  // namespace dh::app
