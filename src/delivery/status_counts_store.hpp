#pragma once

#include <string>
#include <vector>

namespace dh::db {
class Tx;
}

/// The rows of dispatch_status_counts (migration 0026): per-status deltas of each dispatch's
/// deliveries, written by the triggers on deliveries and summed by readers (DH_SQL_DISPATCH_COUNTS).
namespace dh::delivery::status_counts_store {

/// Folds the rows of the dispatches written to lately that have piled up into one row per status;
/// returns how many dispatches were folded. Cheap when there is nothing to fold; a second caller
/// at the same time returns 0 at once.
long long compact(db::Tx& tx);

struct Mismatch {
    std::string dispatch_id, status;
    long long counted = 0, deliveries = 0;
};
/// Every (dispatch, status) whose counted sum differs from its deliveries (for admin verify-usage).
std::vector<Mismatch> mismatches(db::Tx& tx);

}  // namespace dh::delivery::status_counts_store
