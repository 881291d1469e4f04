#pragma once
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "db/listener.hpp"
#include "delivery/lease_renewal.hpp"
#include "delivery/outcome_policy.hpp"
#include "delivery/outcome_recorder.hpp"
#include "delivery/rate_limiter.hpp"
#include "delivery/renderer.hpp"
#include "mail/transport.hpp"

namespace dh::db {
class Pool;
class Tx;
}  // namespace dh::db

namespace dh {
class Error;
}

namespace dh::delivery {

class Notifier;

/// The delivery worker: claims batches of ready deliveries (FOR UPDATE SKIP LOCKED, leased),
/// fairly across tenants and within their send rates, renders them, hands them to the transport
/// and records every outcome. Several threads per process, any number of processes per database.
class Worker {
public:
    struct Options {
        int threads = 5;  ///< one tenant may use all but one
        int batch = 100;  ///< WORKER_BATCH (docs/performance.md, docs/reliability.md: larger is faster, less fair)
        int lease_seconds = 60;
        double global_rate = 0;
        int retry_base_seconds = 60;
        int retry_max_age_seconds = 86400;
        std::string listen_conninfo;  ///< for LISTEN dispatchhub_deliveries; empty: poll only
        /// While the relay refuses us (AUTH or TLS), one delivery per this interval probes it; the
        /// rest stay queued instead of being tried and deferred over and over.
        int relay_probe_seconds = 30;
    };
    /// `notifier` (optional) sends platform notifications from the housekeeping cycle.
    Worker(db::Pool& pool, mail::Transport& transport, Renderer& renderer, Options options,
           Notifier* notifier = nullptr);
    ~Worker();

    void start();
    /// Finishes the batches in flight, then returns.
    void stop();
    /// One claim → send → record cycle; returns the number of deliveries handled (tests use it).
    int run_once();
    const std::string& id() const { return id_; }
    /// Outcomes of sent messages not recorded yet (a gauge on /metrics).
    std::size_t outcomes_waiting() const { return recorder_.waiting(); }

private:
    void loop();
    /// Wakes a thread waiting for work (a notice that deliveries were queued).
    void wake();
    void housekeeping();
    void send_notifications();
    void wait_for_work();
    std::vector<queue_store::Claimed> claim_from_dispatches(db::Tx& tx, const queue_store::Backlog& backlog, int n);
    int claim_budget();
    class BusyTenant;
    std::optional<BusyTenant> reserve_tenant(const queue_store::Backlog& backlog);
    std::vector<queue_store::Claimed> claim_from_backlog(const queue_store::Backlog& backlog, int budget);
    void deliver(const std::vector<queue_store::Claimed>& claimed);
    DeliveryOutcome outcome_of(const queue_store::Claimed& c, const mail::DeliveryResult& r) const;
    DeliveryOutcome build_failed(const queue_store::Claimed& c, const Error& e) const;
    static void remember_subject(DeliveryOutcome& outcome, const std::string& subject);
    void record_group(const OutcomeGroup& group);

    db::Pool& pool_;
    mail::Transport& transport_;
    Renderer& renderer_;
    Options options_;
    Notifier* notifier_;
    std::string id_;
    OutcomePolicy policy_;
    RateLimiter limiter_;
    LeaseKeeper leases_;  ///< renews the leases of every batch on the wire, on one thread
    std::atomic<bool> stopping_{false};
    std::vector<std::thread> threads_;
    /// LISTEN dispatchhub_deliveries: a new dispatch wakes the workers at once; polling stays as
    /// the fallback. Unless listen_conninfo is empty.
    std::unique_ptr<db::Listener> listener_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool woken_ = false;
    std::atomic<long long> last_housekeeping_{0};
    std::atomic<long long> next_relay_probe_{0};
    std::mutex busy_mutex_;
    std::map<std::string, int> busy_;  ///< tenant -> threads sending a batch of it now
    OutcomeRecorder recorder_;         // last: its thread records with the members above
};

}  // namespace dh::delivery
