#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "audit/audit.hpp"
#include "vendors/import_rows.hpp"
#include "vendors/vendor.hpp"

namespace dh::db {
class Pool;
}

namespace dh::vendors {

struct ImportRequest {
    std::string tenant_id;
    std::string file;  ///< the spooled upload; a background import moves it away
    std::map<std::string, std::string> mapping;
    std::optional<std::string> created_by;  ///< user or API key id
    audit::Entry actor;
};

struct ImportStarted {
    bool background = false;
    std::string job_id;
    std::int64_t bytes_total = 0;
    ImportReport report;  ///< when !background
};

/// CSV imports. Small files run in the request; larger ones (over 1 MiB or 2,000 lines) run on
/// the service's own background thread and report progress in import_jobs. Rows are read from
/// disk in chunks and written in batches of kBatchRows, so memory stays bounded by the batch.
class ImportService {
public:
    static constexpr std::size_t kBatchRows = 5000;
    static constexpr std::size_t kMaxReportedErrors = 1000;
    static constexpr std::int64_t kBackgroundBytes = 1 << 20;
    static constexpr std::int64_t kBackgroundLines = 2000;
    /// An import can be undone this many days after it finished.
    static constexpr int kUndoWindowDays = 7;

    ImportService(db::Pool& pool, std::string data_dir);
    ~ImportService();
    ImportService(const ImportService&) = delete;
    ImportService& operator=(const ImportService&) = delete;

    /// Checks the header (Error 422 naming "header" when unusable), then imports or queues.
    ImportStarted start(ImportRequest request);
    ImportJob job(const std::string& tenant_id, const std::string& id);
    /// Undoes an import: soft-deletes the vendors it created and restores those it updated (fields,
    /// contacts, list memberships) within kUndoWindowDays. Error(conflict) while it runs or after
    /// the window; undoing an undone import changes nothing.
    ImportJob undo(const std::string& tenant_id, const std::string& id, audit::Entry actor);

private:
    struct Queued {
        ImportRequest request;
        ColumnMap columns;
        std::string job_id;
        std::int64_t bytes_total;
    };
    ImportReport run(const Queued& job);
    void finish(const Queued& job, const ImportReport* report, const std::string& error, std::int64_t rows,
                std::int64_t bytes);
    void worker_loop();

    db::Pool& pool_;
    std::string data_dir_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Queued> queue_;
    std::thread worker_;
    std::atomic<bool> stopping_{false};
};

}  // namespace dh::vendors
