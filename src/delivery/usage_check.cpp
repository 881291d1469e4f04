#include "delivery/usage_check.hpp"

#include "db/tx.hpp"

namespace dh::delivery {
namespace {

constexpr const char* kVerify = R"SQL(
SELECT u.tenant_id, to_char(u.period_start, 'YYYY-MM-DD') AS period_start, u.sent, u.reserved,
       coalesce(c.counted, 0) AS counted, coalesce(c.pending, 0) AS pending
FROM usage_periods u
LEFT JOIN (
  SELECT l.tenant_id, d.period_start,
         count(*) FILTER (WHERE l.counted) AS counted,
         count(*) FILTER (WHERE l.status IN ('queued', 'deferred', 'sending')) AS pending
  FROM deliveries l JOIN dispatches d ON d.id = l.dispatch_id
  GROUP BY l.tenant_id, d.period_start) c ON c.tenant_id = u.tenant_id AND c.period_start = u.period_start
WHERE u.sent <> coalesce(c.counted, 0) OR u.reserved <> coalesce(c.pending, 0)
ORDER BY u.tenant_id, u.period_start)SQL";

}  // namespace

std::vector<UsageMismatch> verify_usage(db::Pool& pool) {
    return db::with_tx(pool, db::Scope::platform(), [](db::Tx& tx) {
        auto r = tx.exec(kVerify);
        std::vector<UsageMismatch> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back({r.text(i, "tenant_id"), r.text(i, "period_start"), r.integer(i, "sent"),
                           r.integer(i, "counted"), r.integer(i, "reserved"), r.integer(i, "pending")});
        return out;
    });
}

}  // namespace dh::delivery
