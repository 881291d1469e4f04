#include "delivery/status_counts_store.hpp"

#include "db/tx.hpp"

namespace dh::delivery::status_counts_store {
namespace {

// Candidates are the dispatches among the newest 2,000 rows (the primary key walked backwards):
// a dispatch piles up rows only while it is written to, and housekeeping comes by every few
// seconds, far more often than 2,000 rows are written. A folded dispatch has at most one row per
// status, so more than 16 rows means there is something to fold. The DELETE takes the dispatch's
// rows as they are when it runs; rows a writer adds meanwhile stay for the next fold, and a row
// another folder deleted first is skipped, so every delta is counted once.
constexpr const char* kCompact = R"SQL(
WITH turn AS (SELECT pg_try_advisory_xact_lock(hashtext('dispatch_status_counts compact')) AS mine),
piled AS (
  SELECT r.dispatch_id FROM (SELECT dispatch_id FROM dispatch_status_counts ORDER BY id DESC LIMIT 2000) r, turn
  WHERE turn.mine
  GROUP BY r.dispatch_id
  HAVING (SELECT count(*) FROM dispatch_status_counts c WHERE c.dispatch_id = r.dispatch_id) > 16
), gone AS (
  DELETE FROM dispatch_status_counts c USING piled p WHERE c.dispatch_id = p.dispatch_id
  RETURNING c.tenant_id, c.dispatch_id, c.status, c.n
), folded AS (
  INSERT INTO dispatch_status_counts (tenant_id, dispatch_id, status, n)
  SELECT tenant_id, dispatch_id, status, sum(n) FROM gone GROUP BY 1, 2, 3 HAVING sum(n) <> 0
)
SELECT count(*) AS n FROM piled)SQL";

constexpr const char* kMismatches = R"SQL(
WITH counted AS (
  SELECT dispatch_id, status, sum(n)::bigint AS n FROM dispatch_status_counts GROUP BY 1, 2
), actual AS (
  SELECT dispatch_id, status, count(*) AS n FROM deliveries GROUP BY 1, 2
)
SELECT coalesce(c.dispatch_id, a.dispatch_id) AS dispatch_id, coalesce(c.status, a.status) AS status,
       coalesce(c.n, 0) AS counted, coalesce(a.n, 0) AS deliveries
FROM counted c FULL JOIN actual a ON a.dispatch_id = c.dispatch_id AND a.status = c.status
WHERE coalesce(c.n, 0) <> coalesce(a.n, 0)
ORDER BY 1, 2)SQL";

}  // namespace

long long compact(db::Tx& tx) {
    return tx.exec(kCompact).integer(0, "n");
}

std::vector<Mismatch> mismatches(db::Tx& tx) {
    auto r = tx.exec(kMismatches);
    std::vector<Mismatch> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(
            {r.text(i, "dispatch_id"), r.text(i, "status"), r.integer(i, "counted"), r.integer(i, "deliveries")});
    return out;
}

}  // namespace dh::delivery::status_counts_store
