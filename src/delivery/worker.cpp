#include "delivery/worker.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "db/tx.hpp"
#include "delivery/notifier.hpp"
#include "delivery/status_counts_store.hpp"

namespace dh::delivery {
namespace {

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Worker::Worker(db::Pool& pool, mail::Transport& transport, Renderer& renderer, Options options, Notifier* notifier)
    : pool_(pool),
      transport_(transport),
      renderer_(renderer),
      options_(std::move(options)),
      notifier_(notifier),
      id_("worker-" + random::hex(6)),
      policy_(retry_policy(options_.retry_base_seconds, options_.retry_max_age_seconds, options_.relay_probe_seconds)),
      limiter_(options_.global_rate),
      leases_(pool_, options_.lease_seconds),
      recorder_(
          id_, [this](const OutcomeGroup& group) { record_group(group); }, OutcomeRecorder::Options{}) {}

Worker::~Worker() {
    stop();
}

void Worker::start() {
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { loop(); });
    if (!options_.listen_conninfo.empty())
        listener_ = std::make_unique<db::Listener>(options_.listen_conninfo, "dispatchhub_deliveries",
                                                   db::Listener::Handlers{[this](const std::string&) { wake(); }});
    log::info("delivery worker started",
              {{"worker", id_}, {"threads", options_.threads}, {"transport", transport_.name()}});
}

void Worker::stop() {
    if (stopping_.exchange(true)) return;
    wake_.notify_all();
    // Outcomes still failing to be recorded a lease from now would be re-sent anyway: then stop trying.
    recorder_.shutdown_within(std::chrono::seconds(options_.lease_seconds));
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    listener_.reset();
    recorder_.stop();
    try {
        db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { queue_store::forget_heartbeat(tx, id_); });
    } catch (const std::exception&) {  // the database may be gone at shutdown; the row ages out
    }
    log::info("delivery worker stopped", {{"worker", id_}});
}

void Worker::wait_for_work() {
    std::unique_lock lock(wake_mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(options_.listen_conninfo.empty() ? 250 : 1000),
                   [this] { return woken_ || stopping_; });
    woken_ = false;
}

void Worker::loop() {
    while (!stopping_) {
        int handled = 0;
        try {
            handled = run_once();
        } catch (const std::exception& e) {
            log::warn("delivery cycle failed", {{"worker", id_}, {"error", e.what()}});
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        if (handled == 0) wait_for_work();
    }
}

void Worker::wake() {
    std::lock_guard lock(wake_mutex_);
    woken_ = true;
    wake_.notify_all();
}

void Worker::housekeeping() {
    auto now = now_seconds();
    auto last = last_housekeeping_.load();
    if (now - last < 2 || !last_housekeeping_.compare_exchange_strong(last, now)) return;
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (auto n = queue_store::reclaim_expired(tx); n > 0)
            log::warn("reclaimed expired leases", {{"deliveries", n}});
        queue_store::release_scheduled(tx);
        status_counts_store::compact(tx);
        auto problem = transport_.health();
        queue_store::heartbeat(tx, id_, problem.empty() ? std::nullopt : std::optional<std::string>(problem));
    });
    send_notifications();
}

/// Platform mail rides on housekeeping: a handful of messages, sent within seconds, on no tenant's backlog.
void Worker::send_notifications() {
    if (!notifier_) return;
    try {
        notifier_->run_once(id_);
    } catch (const std::exception& e) {
        log::warn("platform notifications failed", {{"worker", id_}, {"error", e.what()}});
    }
}

/// How many deliveries this cycle may claim: a full batch, or while the relay refuses us one
/// delivery per probe interval (the transport needs a message to find out that it works again).
int Worker::claim_budget() {
    if (transport_.health().empty()) return options_.batch;
    auto now = now_seconds();
    auto next = next_relay_probe_.load();
    if (now < next || !next_relay_probe_.compare_exchange_strong(next, now + options_.relay_probe_seconds)) return 0;
    return 1;
}

/// Up to `n` deliveries from the backlog's dispatches, starting at a random one so that a tenant's
/// concurrent dispatches progress together. Tokens not used are returned to the rate limiter.
std::vector<queue_store::Claimed> Worker::claim_from_dispatches(db::Tx& tx, const queue_store::Backlog& backlog,
                                                                int n) {
    std::vector<queue_store::Claimed> out;
    auto& ids = backlog.dispatch_ids;
    std::size_t start = ids.empty() ? 0 : random::below(ids.size());
    for (std::size_t i = 0; i < ids.size() && static_cast<int>(out.size()) < n; ++i) {
        auto batch = queue_store::claim(tx, ids[(start + i) % ids.size()], n - static_cast<int>(out.size()), id_,
                                        options_.lease_seconds);
        std::move(batch.begin(), batch.end(), std::back_inserter(out));
    }
    if (static_cast<int>(out.size()) < n) limiter_.give_back(backlog.tenant_id, n - static_cast<int>(out.size()));
    return out;
}

/// Marks a tenant as being sent by this thread for the lifetime of the guard.
class Worker::BusyTenant {
public:
    BusyTenant(Worker& w, std::string tenant) : worker_(&w), tenant_(std::move(tenant)) {}
    BusyTenant(BusyTenant&& other) noexcept
        : worker_(std::exchange(other.worker_, nullptr)), tenant_(std::move(other.tenant_)) {}
    BusyTenant(const BusyTenant&) = delete;
    BusyTenant& operator=(const BusyTenant&) = delete;
    BusyTenant& operator=(BusyTenant&&) = delete;
    ~BusyTenant() {
        if (!worker_) return;
        std::lock_guard lock(worker_->busy_mutex_);
        if (--worker_->busy_[tenant_] == 0) worker_->busy_.erase(tenant_);
    }

private:
    Worker* worker_;
    std::string tenant_;
};

/// One batch comes from one backlog (tenant), so that a relay stalling on one tenant's messages holds
/// only that tenant's batches; and one tenant keeps at most all threads but one busy, so a tenant
/// whose work arrives later always finds a thread (even when the first had the worker to itself).
std::optional<Worker::BusyTenant> Worker::reserve_tenant(const queue_store::Backlog& backlog) {
    int cap = std::max(1, options_.threads - 1);
    std::lock_guard lock(busy_mutex_);
    auto& busy = busy_[backlog.tenant_id];
    if (busy >= cap) {
        if (busy == 0) busy_.erase(backlog.tenant_id);
        return std::nullopt;
    }
    ++busy;
    return BusyTenant(*this, backlog.tenant_id);
}

std::vector<queue_store::Claimed> Worker::claim_from_backlog(const queue_store::Backlog& backlog, int budget) {
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) -> std::vector<queue_store::Claimed> {
        auto quota = queue_store::recheck_quota(tx, backlog);  // tenant still active, limit not lowered
        if (!quota) return {};
        long long capacity = quota->limit - quota->sent - quota->in_flight;
        if (capacity <= 0) {
            if (quota->in_flight == 0 && queue_store::fail_over_limit(tx, backlog) > 0)
                log::warn("plan limit lowered below use: queued deliveries failed", {{"tenant", backlog.tenant_id}});
            return {};
        }
        int n = limiter_.take(backlog.tenant_id, backlog.rate, static_cast<int>(std::min<long long>(budget, capacity)));
        return claim_from_dispatches(tx, backlog, n);
    });
}

int Worker::run_once() {
    // Outcomes wait for the database: claiming more would only add to what a crash could resend.
    if (recorder_.stalled()) return 0;
    housekeeping();
    int budget = claim_budget();
    if (budget == 0) return 0;
    auto backlogs = db::with_tx(pool_, db::Scope::platform(), [](db::Tx& tx) { return queue_store::backlogs(tx); });
    std::shuffle(backlogs.begin(), backlogs.end(), random::generator());  // fairness between tenants
    for (auto& backlog : backlogs) {
        auto busy = reserve_tenant(backlog);
        if (!busy) continue;
        auto claimed = claim_from_backlog(backlog, budget);
        if (!claimed.empty()) {
            deliver(claimed);
            return static_cast<int>(claimed.size());
        }
    }
    return 0;
}

/// What the transport's result means for the delivery: sent, failed, or tried again later.
DeliveryOutcome Worker::outcome_of(const queue_store::Claimed& c, const mail::DeliveryResult& r) const {
    auto next = policy_.after(r, c.attempts, c.age_seconds);
    switch (next.kind) {
        case NextStep::Kind::sent:
            return queue_store::Sent{r.id, r.smtp_code, r.reply};
        case NextStep::Kind::failed:
            return queue_store::Failed{r.id, r.smtp_code, r.reply, next.reason};
        case NextStep::Kind::retry:
            break;
    }
    return queue_store::Retry{r.id, r.smtp_code, r.reply, next.reason, next.delay_seconds, next.relay_problem};
}

/// The subject a sent (or finally failed) message carried; a retry is rendered again next time.
void Worker::remember_subject(DeliveryOutcome& outcome, const std::string& subject) {
    if (auto* sent = std::get_if<queue_store::Sent>(&outcome)) sent->subject = subject;
    if (auto* failed = std::get_if<queue_store::Failed>(&outcome)) failed->subject = subject;
}

/// A message that could not be built: only what can never be built fails. The database or the
/// file system being away (ErrorKind::unavailable) defers the delivery like a busy relay would.
DeliveryOutcome Worker::build_failed(const queue_store::Claimed& c, const Error& e) const {
    if (e.kind() != ErrorKind::unavailable)
        return queue_store::Failed{c.id, 0, "", "the message could not be built: " + e.message()};
    log::warn("message build deferred", {{"worker", id_}, {"delivery", c.id}, {"error", e.detail()}});
    mail::DeliveryResult r;
    r.id = c.id;
    r.outcome = mail::Outcome::deferred;
    r.reason = "the message could not be built yet: " + e.message();
    return outcome_of(c, r);
}

/// One group of outcomes in one transaction, and the dispatches they finish.
void Worker::record_group(const OutcomeGroup& group) {
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto dispatches = queue_store::record(tx, id_, group.sent, group.retries, group.failed);
        std::sort(dispatches.begin(), dispatches.end());
        dispatches.erase(std::unique(dispatches.begin(), dispatches.end()), dispatches.end());
        queue_store::complete_if_done(tx, dispatches);
    });
}

/// Renders and sends the batch, and returns once every outcome is recorded. Its leases are renewed
/// all along: a stalled relay, or a database outage holding the outcomes, must not let another
/// worker take the batch over and send it a second time.
void Worker::deliver(const std::vector<queue_store::Claimed>& claimed) {
    std::vector<std::string> ids;
    ids.reserve(claimed.size());
    for (auto& c : claimed) ids.push_back(c.id);
    auto held = leases_.hold(id_, [&](db::Tx& tx) { queue_store::renew_leases(tx, id_, ids, options_.lease_seconds); });
    std::uint64_t last = 0;
    std::vector<mail::OutgoingMessage> messages;
    messages.reserve(claimed.size());
    std::map<std::string, const queue_store::Claimed*> by_id;
    std::map<std::string, std::string> subjects;  // kept with the outcome for the vendor's history
    for (auto& c : claimed) {
        by_id[c.id] = &c;
        try {
            auto rendered = renderer_.render(c);
            if (rendered.subject) subjects.emplace(c.id, std::move(*rendered.subject));
            messages.push_back(std::move(rendered.message));
        } catch (const Error& e) {
            last = recorder_.add(build_failed(c, e));
        }
    }
    // Each outcome goes to the recorder as the relay answers, not when the whole batch is done: a
    // crash then re-sends only what was on the wire (I6). Tickets grow, so the latest is the largest.
    std::atomic<std::uint64_t> latest{last};
    if (!messages.empty())
        transport_.send(messages, [&](const mail::DeliveryResult& r) {
            auto outcome = outcome_of(*by_id.at(r.id), r);
            if (auto subject = subjects.find(r.id); subject != subjects.end())
                remember_subject(outcome, subject->second);
            auto ticket = recorder_.add(std::move(outcome));
            auto seen = latest.load();
            while (seen < ticket && !latest.compare_exchange_weak(seen, ticket)) {
            }
        });
    recorder_.flush_soon();
    recorder_.wait(latest.load());
}

}  // namespace dh::delivery
