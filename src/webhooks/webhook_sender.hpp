#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/backoff.hpp"
#include "webhooks/secret_seal.hpp"
#include "webhooks/webhook_store.hpp"
#include "webhooks/webhook_transport.hpp"

namespace dh::db {
class Pool;
}

namespace dh::webhooks {

/// The webhook side of a worker process: claims due event deliveries (FOR UPDATE SKIP LOCKED,
/// leased, so any number of workers share the queue and a dead one's claims return), signs and
/// POSTs each, and records the outcome. Non-2xx answers, timeouts and connection errors are
/// retried with exponential backoff until the first attempt is `retry_max_age_seconds` old; then
/// the delivery is failed (given up) and shows so in the API.
class WebhookSender {
public:
    struct Options {
        int threads = 2;
        int batch = 20;
        int timeout_seconds = 10;  ///< per request
        int retry_base_seconds = 60;
        int retry_max_age_seconds = 6 * 3600;
        int retention_days = 30;  ///< events older than this are dropped
    };
    WebhookSender(db::Pool& pool, const WebhookTransport& transport, SecretSeal seal, Options options);
    ~WebhookSender();

    void start();
    /// Finishes the requests in flight, then returns.
    void stop();
    /// One claim → send → record cycle; returns the number of deliveries handled.
    int run_once();

private:
    void loop();
    void housekeeping();
    webhook_store::Outcome send(const webhook_store::Claimed& claimed);
    webhook_store::Outcome outcome_of(const webhook_store::Claimed& claimed, const PostOutcome& post) const;

    db::Pool& pool_;
    const WebhookTransport& transport_;
    SecretSeal seal_;
    Options options_;
    backoff::Backoff backoff_;
    std::string id_;
    std::atomic<bool> stopping_{false};
    std::atomic<long long> last_housekeeping_{0};
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    std::vector<std::thread> threads_;
};

/// The body of a webhook request: {"id", "type", "created_at", "tenant_id", "data"}.
std::string event_body(const webhook_store::Claimed& claimed);

}  // namespace dh::webhooks
