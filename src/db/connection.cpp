#include "db/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cstdlib>

#include "common/error.hpp"
#include "db/sqlstate.hpp"

namespace dh::db {

Result::Result(pg_result* res) : res_(res) {}
Result::Result(Result&& other) noexcept
    : res_(other.res_),
      names_(std::move(other.names_)),
      repeated_names_(other.repeated_names_),
      next_column_(other.next_column_) {
    other.res_ = nullptr;
    other.names_.clear();
    other.next_column_ = 0;
}
Result& Result::operator=(Result&& other) noexcept {
    if (this != &other) {
        if (res_) PQclear(res_);
        res_ = other.res_;
        names_ = std::move(other.names_);
        repeated_names_ = other.repeated_names_;
        next_column_ = other.next_column_;
        other.res_ = nullptr;
        other.names_.clear();
        other.next_column_ = 0;
    }
    return *this;
}
Result::~Result() {
    if (res_) PQclear(res_);
}

int Result::rows() const {
    return res_ ? PQntuples(res_) : 0;
}
int Result::columns() const {
    return res_ ? PQnfields(res_) : 0;
}

// The exact name, first match, as PQfnumber with a quoted name. PQfnumber copies and case-folds
// its argument and compares with every name on each call; rows are read field by field by name,
// which made that a tenth of the server's CPU on a page of 50 inbox messages. The names are read
// once per result instead, and since a row is usually read in the order of its columns, the search
// starts after the column found last: one comparison per field. A result with a repeated name is
// searched from its first column, so that the first match wins.
int Result::column(std::string_view name) const {
    if (names_.empty()) {
        for (int c = 0, n = columns(); c < n; ++c) names_.emplace_back(PQfname(res_, c));
        auto sorted = names_;
        std::sort(sorted.begin(), sorted.end());
        repeated_names_ = std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    }
    const std::size_t n = names_.size();
    const std::size_t start = repeated_names_ ? 0 : next_column_;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = (start + i) % n;
        if (names_[c] == name) {
            next_column_ = c + 1 == n ? 0 : c + 1;
            return static_cast<int>(c);
        }
    }
    throw Error(ErrorKind::internal, "internal", "Internal error.", "no column " + std::string(name));
}

bool Result::is_null(int row, int col) const {
    return PQgetisnull(res_, row, col) != 0;
}

std::string Result::text(int row, int col) const {
    return std::string(PQgetvalue(res_, row, col), static_cast<std::size_t>(PQgetlength(res_, row, col)));
}

std::optional<std::string> Result::opt(int row, std::string_view col) const {
    int c = column(col);
    if (is_null(row, c)) return std::nullopt;
    return text(row, c);
}

std::int64_t Result::integer(int row, std::string_view col) const {
    return std::strtoll(PQgetvalue(res_, row, column(col)), nullptr, 10);
}

std::optional<std::int64_t> Result::opt_integer(int row, std::string_view col) const {
    int c = column(col);
    if (is_null(row, c)) return std::nullopt;
    return std::strtoll(PQgetvalue(res_, row, c), nullptr, 10);
}

double Result::number(int row, std::string_view col) const {
    return std::strtod(PQgetvalue(res_, row, column(col)), nullptr);
}

bool Result::boolean(int row, std::string_view col) const {
    return PQgetvalue(res_, row, column(col))[0] == 't';
}

std::int64_t Result::affected() const {
    const char* n = PQcmdTuples(res_);
    return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Connection::Connection(const std::string& conninfo) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(conn_);
        PQfinish(conn_);
        conn_ = nullptr;
        // The conninfo may carry a password: report libpq's message only.
        throw Error(ErrorKind::unavailable, "database_unavailable", "The database is not reachable; try again.", msg);
    }
    PQsetClientEncoding(conn_, "UTF8");
}

Connection::~Connection() {
    if (conn_) PQfinish(conn_);
}

bool Connection::ok() const {
    return conn_ && PQstatus(conn_) == CONNECTION_OK && !broken_;
}

bool Connection::closed_while_idle() {
    if (!ok()) return true;
    pollfd p{PQsocket(conn_), POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return false;
    broken_ = true;  // end of file, or the server's last words before it closed
    return true;
}

void Connection::fail(pg_result* res, std::string_view sql) {
    std::string state, message, constraint, detail;
    if (res) {
        if (auto* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) state = s;
        if (auto* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) message = m;
        if (auto* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) constraint = c;
        if (auto* d = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL)) detail = d;
        PQclear(res);
    }
    if (message.empty()) message = PQerrorMessage(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    auto err = error_from_sqlstate(state, message, constraint, detail);
    if (err.kind() == ErrorKind::internal)
        throw Error(err.kind(), err.code(), err.message(), err.detail() + " in: " + std::string(sql.substr(0, 200)));
    throw err;
}

namespace {

std::vector<const char*> param_values(const Params& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (auto& p : params) values.push_back(p.value() ? p.value()->c_str() : nullptr);
    return values;
}

bool succeeded(const PGresult* res) {
    auto status = PQresultStatus(res);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

}  // namespace

std::pair<std::string, bool> Connection::statement_name(const std::string& sql) const {
    auto it = prepared_.find(sql);
    if (it != prepared_.end()) return {it->second, false};
    return {"s" + std::to_string(prepared_.size()), true};
}

Result Connection::exec(std::string_view sql, const Params& params) {
    std::string key(sql);
    auto [name, unprepared] = statement_name(key);
    if (unprepared) {
        PGresult* prep = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
        if (PQresultStatus(prep) != PGRES_COMMAND_OK) fail(prep, sql);
        PQclear(prep);
        prepared_.emplace(std::move(key), name);
    }
    auto values = param_values(params);
    PGresult* res =
        PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
    if (!succeeded(res)) fail(res, sql);
    return Result(res);
}

// Pipeline mode sends every statement and one Sync, then reads the answers in order: one result
// (then a null) per statement, PGRES_PIPELINE_ABORTED for those skipped after a failure, and the
// Sync's PGRES_PIPELINE_SYNC last. The lead and trail statements are small and few, so sending in
// blocking mode cannot fill both socket buffers.
Result Connection::exec_pipelined(const std::vector<Statement>& lead, std::string_view sql, const Params& params,
                                  const std::vector<Statement>& trail) {
    std::string key(sql);
    auto [name, unprepared] = statement_name(key);
    // The protocol state is unknown after this: the pool drops the connection.
    const auto lost = [&]() -> Result {
        broken_ = true;
        fail(nullptr, sql);
    };
    if (PQenterPipelineMode(conn_) != 1) return lost();

    bool sent = true;
    const auto send_text = [&](const Statement& s) {
        auto values = param_values(s.params);
        sent = sent && PQsendQueryParams(conn_, std::string(s.sql).c_str(), static_cast<int>(values.size()), nullptr,
                                         values.data(), nullptr, nullptr, 0) == 1;
    };
    for (auto& s : lead) send_text(s);
    if (unprepared) sent = sent && PQsendPrepare(conn_, name.c_str(), key.c_str(), 0, nullptr) == 1;
    auto values = param_values(params);
    sent = sent && PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                       nullptr, 0) == 1;
    for (auto& s : trail) send_text(s);
    sent = sent && PQpipelineSync(conn_) == 1;

    // Read every answer, up to the Sync, even after a failure: the connection is then ready again.
    const std::size_t main_index = lead.size() + (unprepared ? 1 : 0);
    const std::size_t expected = main_index + 1 + trail.size();
    PGresult* first_error = nullptr;
    std::string_view first_error_sql;
    PGresult* main_result = nullptr;
    bool prepared_now = false;
    for (std::size_t i = 0; sent && i < expected; ++i) {
        PGresult* res = PQgetResult(conn_);
        if (!res) {
            sent = false;  // the connection went away
            break;
        }
        while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);  // up to the null after each answer
        const bool ok = succeeded(res);
        if (unprepared && i + 1 == main_index && ok) prepared_now = true;
        if (i == main_index && ok) {
            main_result = res;
            continue;
        }
        if (!ok && !first_error && PQresultStatus(res) != PGRES_PIPELINE_ABORTED) {
            first_error = res;
            first_error_sql = i < lead.size() ? lead[i].sql : i <= main_index ? sql : trail[i - main_index - 1].sql;
            continue;
        }
        PQclear(res);
    }
    if (sent) {
        PGresult* sync = PQgetResult(conn_);
        sent = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        if (sync) PQclear(sync);
    }
    if (!sent || PQexitPipelineMode(conn_) != 1) {
        if (main_result) PQclear(main_result);
        if (first_error) PQclear(first_error);
        return lost();
    }
    if (prepared_now) prepared_.emplace(key, name);
    if (first_error) {
        if (main_result) PQclear(main_result);
        fail(first_error, first_error_sql);
    }
    if (!main_result) fail(nullptr, sql);
    return Result(main_result);
}

void Connection::exec_script(std::string_view sql) {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(res, sql);
    PQclear(res);
}

}  // namespace dh::db
