#include "db/connection.hpp"

#include <libpq-fe.h>

#include <cstdlib>

#include "common/error.hpp"
#include "db/sqlstate.hpp"

namespace dh::db {

Result::Result(pg_result* res) : res_(res) {}
Result::Result(Result&& other) noexcept : res_(other.res_) {
    other.res_ = nullptr;
}
Result& Result::operator=(Result&& other) noexcept {
    if (this != &other) {
        if (res_) PQclear(res_);
        res_ = other.res_;
        other.res_ = nullptr;
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

int Result::column(std::string_view name) const {
    int c = PQfnumber(res_, std::string("\"").append(name).append("\"").c_str());
    if (c < 0) throw Error(ErrorKind::internal, "internal", "Internal error.", "no column " + std::string(name));
    return c;
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

void Connection::fail(pg_result* res, std::string_view sql) {
    std::string state, message, constraint;
    if (res) {
        if (auto* s = PQresultErrorField(res, PG_DIAG_SQLSTATE)) state = s;
        if (auto* m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)) message = m;
        if (auto* c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME)) constraint = c;
        PQclear(res);
    }
    if (message.empty()) message = PQerrorMessage(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
    auto err = error_from_sqlstate(state, message, constraint);
    if (err.kind() == ErrorKind::internal)
        throw Error(err.kind(), err.code(), err.message(), err.detail() + " in: " + std::string(sql.substr(0, 200)));
    throw err;
}

Result Connection::exec(std::string_view sql, const Params& params) {
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
        std::string name = "s" + std::to_string(prepared_.size());
        PGresult* prep = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
        if (PQresultStatus(prep) != PGRES_COMMAND_OK) fail(prep, sql);
        PQclear(prep);
        it = prepared_.emplace(std::move(key), std::move(name)).first;
    }
    std::vector<const char*> values;
    values.reserve(params.size());
    for (auto& p : params) values.push_back(p.value() ? p.value()->c_str() : nullptr);
    PGresult* res =
        PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(res, sql);
    return Result(res);
}

void Connection::exec_script(std::string_view sql) {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(res, sql);
    PQclear(res);
}

}  // namespace dh::db
