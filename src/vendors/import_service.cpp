#include "vendors/import_service.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/log.hpp"
#include "db/tx.hpp"
#include "vendors/csv.hpp"
#include "vendors/import_guard.hpp"
#include "vendors/import_store.hpp"
#include "vendors/vendor_json.hpp"
#include "vendors/vendor_service.hpp"
#include "vendors/vendor_store.hpp"

namespace fs = std::filesystem;

namespace dh::vendors {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

struct Interrupted {};
/// Thrown out of the parser when ImportGuard says most rows are refused: nothing more is read.
struct Stopped {};

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

File open_file(const std::string& path) {
    File f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) throw Error(ErrorKind::internal, "internal", "Internal error.", "cannot open upload " + path);
    return f;
}

/// Reads until the first record (the header) is complete; counts lines up to `max_bytes`.
std::vector<std::string> read_header(const std::string& path, std::int64_t& lines, std::int64_t max_bytes) {
    auto f = open_file(path);
    std::optional<CsvRecord> header;
    CsvParser parser([&](CsvRecord& r) {
        if (!header) header = std::move(r);
    });
    std::vector<char> buf(kChunk);
    lines = 0;
    std::int64_t read = 0;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get())) {
        if (!header) parser.feed({buf.data(), n});
        read += static_cast<std::int64_t>(n);
        for (std::size_t i = 0; i < n; ++i) lines += buf[i] == '\n';
        if (header && read > max_bytes) break;
    }
    if (!header) parser.finish();
    if (!header || (header->fields.size() == 1 && header->fields[0].empty()))
        throw Error::invalid_field("header", "the file is empty");
    if (!header->error.empty()) throw Error::invalid_field("header", header->error);
    return header->fields;
}

void add_error(ImportReport& report, ImportGuard& guard, ImportRowError e) {
    guard.refused(e);
    ++report.error_count;
    if (report.errors.size() < ImportService::kMaxReportedErrors) report.errors.push_back(std::move(e));
}

}  // namespace

ImportService::ImportService(db::Pool& pool, std::string data_dir) : pool_(pool), data_dir_(std::move(data_dir)) {}

ImportService::~ImportService() {
    stopping_ = true;
    wake_.notify_all();
    if (worker_.joinable()) worker_.join();
}

ImportStarted ImportService::start(ImportRequest request) {
    std::int64_t lines = 0;
    auto header = read_header(request.file, lines, kBackgroundBytes);
    auto columns = map_header(header, request.mapping);
    Queued job{std::move(request), std::move(columns), "", 0};
    job.bytes_total = static_cast<std::int64_t>(fs::file_size(job.request.file));
    job.job_id = db::with_tx(pool_, db::Scope::tenant(job.request.tenant_id), [&](db::Tx& tx) {
        return import_store::create_job(tx, job.request.tenant_id, job.bytes_total, job.request.created_by);
    });
    ImportStarted out{false, job.job_id, job.bytes_total, {}};
    if (job.bytes_total <= kBackgroundBytes && lines <= kBackgroundLines) {
        out.report = run(job);
        return out;
    }
    // The server deletes the spooled body when the handler returns: keep our own copy.
    fs::create_directories(data_dir_ + "/imports");
    std::string kept = data_dir_ + "/imports/" + job.job_id + ".csv";
    fs::rename(job.request.file, kept);
    job.request.file = kept;
    out.background = true;
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(job));
    if (!worker_.joinable()) worker_ = std::thread([this] { worker_loop(); });
    wake_.notify_one();
    return out;
}

ImportJob ImportService::job(const std::string& tenant_id, const std::string& id) {
    require_uuid(id, "Import");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto j = import_store::find_job(tx, id);
        if (!j) throw Error::not_found("Import");
        return *j;
    });
}

ImportJob ImportService::undo(const std::string& tenant_id, const std::string& id, audit::Entry actor) {
    require_uuid(id, "Import");
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) {
        auto state = import_store::lock_for_undo(tx, id, kUndoWindowDays);
        if (!state) throw Error::not_found("Import");
        if (state->status == "running" && !state->stale)
            throw Error::conflict("import_running", "The import is still running; undo it when it has finished.");
        if (state->status != "undone") {
            if (state->expired)
                throw Error::conflict(
                    "undo_window_passed",
                    "Imports can be undone for " + std::to_string(kUndoWindowDays) + " days after they finish.");
            auto result = import_store::undo(tx, id);
            actor.action = "vendor.import_undone";
            actor.target_type = "import";
            actor.target_id = id;
            actor.details = {{"vendors_deleted", result.vendors_deleted},
                             {"vendors_restored", result.vendors_restored}};
            audit::record(tx, actor);
        }
        return *import_store::find_job(tx, id);
    });
}

void ImportService::worker_loop() {
    for (;;) {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        Queued job = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        try {
            run(job);
        } catch (const std::exception& e) {
            log::error("import failed", {{"job_id", job.job_id}, {"error", e.what()}});
        }
        std::error_code ec;
        fs::remove(job.request.file, ec);
    }
}

ImportReport ImportService::run(const Queued& job) {
    const auto& tenant = job.request.tenant_id;
    // Vendors updated before this moment count as updated; later touches are this import's own.
    auto started_at =
        db::with_tx(pool_, db::Scope::tenant(tenant), [](db::Tx& tx) { return import_store::clock_now(tx); });
    ImportReport report;
    std::vector<ImportRow> batch;
    std::int64_t bytes = 0;
    bool header_seen = false;
    SeenCodes codes;
    ImportGuard guard;
    auto flush = [&] {
        if (stopping_) throw Interrupted{};
        db::with_tx(pool_, db::Scope::tenant(tenant), [&](db::Tx& tx) {
            auto room = vendor_store::lock_vendor_count(tx, tenant);
            auto remaining = room.limit - room.count;
            auto r = import_store::apply_batch(tx, tenant, job.job_id, batch, started_at, remaining);
            for (auto row : r.rejected_rows)
                add_error(report, guard, {row, "", "the plan's vendor limit is reached (vendor_limit_reached)"});
            for (auto& e : r.limit_errors) add_error(report, guard, std::move(e));
            report.vendors_created += r.vendors_created;
            report.vendors_updated += r.vendors_updated;
            report.contacts_added += r.contacts_added;
            import_store::progress(tx, job.job_id, report.rows, bytes);
        });
        batch.clear();
    };
    CsvParser parser([&](CsvRecord& record) {
        if (!header_seen) {
            header_seen = true;
            return;
        }
        ImportRow row;
        ImportRowError error;
        auto kind = parse_row(job.columns, record, row, error);
        if (kind == RowKind::blank) return;
        ++report.rows;
        if (kind == RowKind::row) {
            if (auto repeated = codes.check(row)) {
                kind = RowKind::error;
                error = std::move(*repeated);
            }
        }
        if (kind == RowKind::error)
            add_error(report, guard, std::move(error));
        else
            batch.push_back(std::move(row));
        if (guard.must_stop(report)) throw Stopped{};
        if (batch.size() >= kBatchRows) flush();
    });
    bool stopped = false;
    try {
        try {
            auto f = open_file(job.request.file);
            std::vector<char> buf(kChunk);
            while (std::size_t n = std::fread(buf.data(), 1, buf.size(), f.get())) {
                parser.feed({buf.data(), n});
                bytes = static_cast<std::int64_t>(parser.bytes_fed());
            }
            parser.finish();
        } catch (const Stopped&) {
            // The rows read up to here are applied as usual (and undone with the import); no more.
            stopped = true;
        }
        flush();
    } catch (const Interrupted&) {
        finish(job, nullptr, "The import was interrupted by a server shutdown.", report.rows, bytes);
        return report;
    } catch (const Error& e) {
        finish(job, nullptr, e.message(), report.rows, bytes);
        throw;
    } catch (const std::exception& e) {
        finish(job, nullptr, "The import failed; try again.", report.rows, bytes);
        throw;
    }
    if (stopped) {
        report.stop_reason = guard.stop_reason(report);
        log::info("import stopped", {{"job_id", job.job_id}, {"rows", report.rows}, {"refused", report.error_count}});
    }
    std::sort(report.errors.begin(), report.errors.end(), [](auto& a, auto& b) { return a.row < b.row; });
    finish(job, &report, "", report.rows, bytes);
    return report;
}

void ImportService::finish(const Queued& job, const ImportReport* report, const std::string& error, std::int64_t rows,
                           std::int64_t bytes) {
    audit::Entry entry = job.request.actor;
    entry.action = "vendor.imported";
    entry.target_type = "import";
    entry.target_id = job.job_id;
    const char* status = !report ? "failed" : report->stop_reason ? "stopped" : "completed";
    entry.details = {{"status", status}, {"rows", rows}, {"bytes", bytes}};
    if (report)
        entry.details.update({{"vendors_created", report->vendors_created},
                              {"vendors_updated", report->vendors_updated},
                              {"contacts_added", report->contacts_added},
                              {"errors", report->error_count}});
    db::with_tx(pool_, db::Scope::tenant(job.request.tenant_id), [&](db::Tx& tx) {
        import_store::finish(tx, job.job_id, status,
                             report ? std::optional(json::report(*report).dump()) : std::nullopt,
                             report ? std::nullopt : std::optional(error), rows, bytes);
        audit::record(tx, entry);
    });
}

}  // namespace dh::vendors
