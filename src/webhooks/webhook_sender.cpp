#include "webhooks/webhook_sender.hpp"

#include "common/log.hpp"
#include "common/random.hpp"
#include "db/tx.hpp"
#include "webhooks/signing.hpp"

namespace dh::webhooks {
namespace {

long long now_seconds(std::chrono::system_clock::time_point t = std::chrono::system_clock::now()) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string event_body(const webhook_store::Claimed& c) {
    nlohmann::json body = {{"id", c.event_id},
                           {"type", c.event_type},
                           {"created_at", c.event_created_at},
                           {"tenant_id", c.tenant_id},
                           {"data", nlohmann::json::parse(c.event_data_json)}};
    return body.dump();
}

WebhookSender::WebhookSender(db::Pool& pool, const WebhookTransport& transport, SecretSeal seal, Options options)
    : pool_(pool),
      transport_(transport),
      seal_(std::move(seal)),
      options_(options),
      backoff_({options.retry_base_seconds, 3600, options.retry_max_age_seconds}),
      id_("webhooks-" + random::hex(6)) {}

WebhookSender::~WebhookSender() {
    stop();
}

void WebhookSender::start() {
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { loop(); });
    log::info("webhook sender started", {{"worker", id_}, {"threads", options_.threads}});
}

void WebhookSender::stop() {
    if (stopping_.exchange(true)) return;
    wake_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void WebhookSender::loop() {
    while (!stopping_) {
        int handled = 0;
        try {
            handled = run_once();
        } catch (const std::exception& e) {
            log::warn("webhook cycle failed", {{"worker", id_}, {"error", e.what()}});
        }
        if (handled > 0) continue;
        std::unique_lock lock(wake_mutex_);
        wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_.load(); });
    }
}

void WebhookSender::housekeeping() {
    auto now = now_seconds();
    auto last = last_housekeeping_.load();
    if (now - last < 5 || !last_housekeeping_.compare_exchange_strong(last, now)) return;
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (auto n = webhook_store::reclaim_expired(tx); n > 0)
            log::warn("reclaimed expired webhook leases", {{"deliveries", n}});
        webhook_store::expire(tx, options_.retention_days);
    });
}

int WebhookSender::run_once() {
    housekeeping();
    // Every request of the batch may take the whole timeout: the lease covers them all.
    int lease = options_.batch * options_.timeout_seconds + 30;
    auto claimed = db::with_tx(pool_, db::Scope::platform(),
                               [&](db::Tx& tx) { return webhook_store::claim(tx, id_, options_.batch, lease); });
    if (claimed.empty()) return 0;
    std::vector<webhook_store::Outcome> outcomes;
    outcomes.reserve(claimed.size());
    for (auto& c : claimed) outcomes.push_back(send(c));
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { webhook_store::record(tx, id_, outcomes); });
    return static_cast<int>(claimed.size());
}

webhook_store::Outcome WebhookSender::send(const webhook_store::Claimed& c) {
    auto secret = seal_.open(c.secret_sealed);
    if (!secret)  // JWT_SECRET changed since the endpoint was registered: no retry can help
        return {c.id, "failed", 0,
                "the endpoint's secret cannot be read (JWT_SECRET changed?); rotate its secret, then redeliver", 0};
    auto body = event_body(c);
    auto timestamp = now_seconds();
    std::vector<std::pair<std::string, std::string>> headers = {
        {signing::kIdHeader, c.event_id},
        {signing::kTypeHeader, c.event_type},
        {signing::kTimestampHeader, std::to_string(timestamp)},
        {signing::kSignatureHeader, signing::signature(*secret, timestamp, body)}};
    return outcome_of(c, transport_.post(c.url, headers, body));
}

webhook_store::Outcome WebhookSender::outcome_of(const webhook_store::Claimed& c, const PostOutcome& post) const {
    if (post.delivered()) return {c.id, "delivered", post.status, "", 0};
    auto next = backoff_.after_transient_failure(c.attempts, c.age_seconds);
    if (next.give_up)
        return {c.id, "failed", post.status, "gave up after " + std::to_string(c.attempts) + " attempts: " + post.error,
                0};
    return {c.id, "pending", post.status, post.error, next.delay_seconds};
}

}  // namespace dh::webhooks
