#pragma once
#include <string>
#include <vector>

namespace dh::db {
class Pool;
}

namespace dh::delivery {

/// A usage counter that disagrees with the deliveries it should count.
struct UsageMismatch {
    std::string tenant_id, period_start;
    long long sent, counted, reserved, pending;
};

/// Recomputes every tenant's usage from its deliveries (invariant I2: sent = deliveries counted,
/// reserved = deliveries still pending) and returns the differences.
std::vector<UsageMismatch> verify_usage(db::Pool& pool);

}  // namespace dh::delivery
