#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vendors/import_rows.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Tx;
}

/// SQL of CSV imports: one batch of valid rows becomes vendors, contacts and list memberships in a
/// few set-based statements (COPY into a temporary table, then INSERT/UPDATE from it), and the
/// import_jobs rows that report progress.
namespace dh::vendors::import_store {

struct BatchResult {
    std::int64_t vendors_created = 0;
    std::int64_t vendors_updated = 0;
    std::int64_t contacts_added = 0;
    std::vector<std::size_t> rejected_rows;    ///< rows of new vendors beyond the plan limit
    std::vector<ImportRowError> limit_errors;  ///< rows beyond a per-vendor limit of the API (contacts, custom fields)
};

/// Applies `rows` in `tx`. Rows with the same code (or, without a code, the same name) are one
/// vendor; an existing vendor is updated (empty cells keep its values, tags and custom fields are
/// merged). At most `remaining` vendors are created; rows of the others are returned as rejected.
/// `started_at` (the import's start) tells first updates from vendors this import already touched.
/// What the batch creates and the prior state of what it updates are recorded under `import_id`.
BatchResult apply_batch(db::Tx& tx, const std::string& tenant_id, const std::string& import_id,
                        const std::vector<ImportRow>& rows, const std::string& started_at, std::int64_t remaining);

/// The clock now, full precision: an import's start for apply_batch.
std::string clock_now(db::Tx& tx);
std::string create_job(db::Tx& tx, const std::string& tenant_id, std::int64_t bytes_total,
                       const std::optional<std::string>& created_by);
void progress(db::Tx& tx, const std::string& id, std::int64_t rows, std::int64_t bytes);
void finish(db::Tx& tx, const std::string& id, const std::string& status, const std::optional<std::string>& report_json,
            const std::optional<std::string>& error, std::int64_t rows, std::int64_t bytes);
/// A running job without a heartbeat for 10 minutes reads as failed (its process died).
std::optional<ImportJob> find_job(db::Tx& tx, const std::string& id);

struct UndoState {
    std::string status;
    bool stale = false;    ///< running without a heartbeat for 10 minutes: its process died
    bool expired = false;  ///< finished longer than the undo window ago
};
/// Locks the job row for an undo; nullopt when there is no such job.
std::optional<UndoState> lock_for_undo(db::Tx& tx, const std::string& id, int window_days);

struct UndoResult {
    std::int64_t vendors_deleted = 0;   ///< created by the import, now soft-deleted
    std::int64_t vendors_restored = 0;  ///< updated by the import, now as before it
};
/// Reverts what import `id` recorded and marks it undone. Changes made to those vendors after the
/// import are overwritten by the recorded state.
UndoResult undo(db::Tx& tx, const std::string& id);

}  // namespace dh::vendors::import_store
