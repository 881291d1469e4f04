#pragma once
#include <optional>
#include <string>
#include <vector>

#include "webhooks/webhook.hpp"

namespace dh::db {
class Tx;
}

/// SQL of webhooks. Endpoint statements run in the tenant's scope (RLS); the queue statements
/// (claim, record, expire) in the platform scope of the workers.
namespace dh::webhooks::webhook_store {

// Endpoints (tenant scope).
std::string insert(db::Tx& tx, const std::string& tenant_id, const NewEndpoint& e, const std::string& secret_sealed,
                   const std::optional<std::string>& created_by, const std::string& created_by_label);
std::optional<Endpoint> by_id(db::Tx& tx, const std::string& id);
/// Newest first, keyset after (created_at, id).
std::vector<Endpoint> list(db::Tx& tx, int limit, const std::optional<std::string>& after_created,
                           const std::optional<std::string>& after_id);
long long count(db::Tx& tx);
/// False when there was no such endpoint. Its pending deliveries go with it.
bool remove(db::Tx& tx, const std::string& id);
/// The endpoint's deliveries, newest first, keyset after (created_at, id); `status` optional.
std::vector<EventDelivery> deliveries(db::Tx& tx, const std::string& endpoint_id,
                                      const std::optional<std::string>& status, int limit,
                                      const std::optional<std::string>& after_created,
                                      const std::optional<std::string>& after_id);

/// Replaces the endpoint's sealed signing secret (the API role may write it, never read it).
void replace_secret(db::Tx& tx, const std::string& id, const std::string& secret_sealed);
/// One delivery of the endpoint; nullopt when it has none by that id.
std::optional<EventDelivery> delivery(db::Tx& tx, const std::string& endpoint_id, const std::string& delivery_id);
/// Puts a delivered or failed delivery back in the queue, due now, with a new series of attempts.
/// False when it is pending or being sent (or does not exist).
bool requeue(db::Tx& tx, const std::string& endpoint_id, const std::string& delivery_id);

// The queue (platform scope).

/// A delivery claimed by a worker, with its event and its endpoint.
struct Claimed {
    std::string id, url, secret_sealed;
    std::string event_id, event_type, tenant_id, event_data_json, event_created_at;
    int attempts = 0;
    long long age_seconds = 0;  ///< since the first attempt
};

/// What one attempt came to.
struct Outcome {
    std::string id;
    std::string status;        ///< delivered | pending (retry after delay_seconds) | failed (given up)
    long response_status = 0;  ///< 0: no answer
    std::string error;         ///< empty when delivered
    long long delay_seconds = 0;
};

/// Leases of dead workers expire: their deliveries are pending again.
long long reclaim_expired(db::Tx& tx);
/// Up to `n` due deliveries (FOR UPDATE SKIP LOCKED), leased to `worker_id` for `lease_seconds`.
std::vector<Claimed> claim(db::Tx& tx, const std::string& worker_id, int n, int lease_seconds);
/// Records the outcomes of this worker's leased deliveries, and on each endpoint its latest success or failure.
void record(db::Tx& tx, const std::string& worker_id, const std::vector<Outcome>& outcomes);
/// Drops events (and their deliveries) older than `days` days; returns how many.
long long expire(db::Tx& tx, int days);

}  // namespace dh::webhooks::webhook_store
