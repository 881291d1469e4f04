#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace dh::db {

/// One query parameter in text form; nullopt is SQL NULL.
class Param {
public:
    Param(std::nullptr_t) {}
    Param(std::string v) : value_(std::move(v)) {}
    Param(std::string_view v) : value_(std::string(v)) {}
    Param(const char* v) : value_(std::string(v)) {}
    Param(const std::optional<std::string>& v) : value_(v) {}
    Param(bool v) : value_(v ? "t" : "f") {}
    Param(int v) : value_(std::to_string(v)) {}
    Param(long v) : value_(std::to_string(v)) {}
    Param(long long v) : value_(std::to_string(v)) {}
    Param(unsigned long v) : value_(std::to_string(v)) {}
    Param(double v) : value_(std::to_string(v)) {}
    const std::optional<std::string>& value() const { return value_; }

private:
    std::optional<std::string> value_;
};
using Params = std::vector<Param>;

/// A query result (rows of text values). Owns the PGresult.
class Result {
public:
    explicit Result(pg_result* res);
    Result(Result&& other) noexcept;
    Result& operator=(Result&& other) noexcept;
    Result(const Result&) = delete;
    ~Result();

    int rows() const;
    int columns() const;
    bool empty() const { return rows() == 0; }
    int column(std::string_view name) const;  ///< throws when absent
    bool is_null(int row, int col) const;
    bool is_null(int row, std::string_view col) const { return is_null(row, column(col)); }
    std::string text(int row, int col) const;
    std::string text(int row, std::string_view col) const { return text(row, column(col)); }
    std::optional<std::string> opt(int row, std::string_view col) const;
    std::int64_t integer(int row, std::string_view col) const;
    std::optional<std::int64_t> opt_integer(int row, std::string_view col) const;
    double number(int row, std::string_view col) const;
    bool boolean(int row, std::string_view col) const;
    std::int64_t affected() const;  ///< rows affected by INSERT/UPDATE/DELETE

private:
    pg_result* res_;
    /// The column names, read once on the first lookup by name (they live as long as res_).
    mutable std::vector<std::string_view> names_;
    mutable bool repeated_names_ = false;
    mutable std::size_t next_column_ = 0;  // where the next lookup by name starts
};

/// A statement sent ahead of or after another one in the same round trip (see exec_pipelined).
struct Statement {
    std::string_view sql;
    Params params;
};

/// A blocking libpq connection with a per-connection prepared-statement cache (keyed by SQL text).
class Connection {
public:
    explicit Connection(const std::string& conninfo);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs one parameterised statement (prepared once per connection). Throws dh::Error on failure.
    Result exec(std::string_view sql, const Params& params = {});
    /// Runs `lead`, then `sql` (prepared once per connection), then `trail` in one round trip
    /// (libpq pipeline mode) and answers `sql`'s result. The first failure is thrown once every
    /// answer has been read; the statements after it did not run.
    Result exec_pipelined(const std::vector<Statement>& lead, std::string_view sql, const Params& params,
                          const std::vector<Statement>& trail);
    /// Runs a script of several statements without parameters (migrations, BEGIN/COMMIT).
    void exec_script(std::string_view sql);
    bool ok() const;
    /// True when the server has closed this idle connection (a restart, a terminated backend): an
    /// idle connection of the pool never has anything to read, so a readable socket means it is gone.
    /// One poll(), no round trip; the pool asks before handing out an idle connection.
    bool closed_while_idle();
    /// True after an error that leaves the connection unusable (it is then dropped by the pool).
    bool broken() const { return broken_; }
    pg_conn* raw() { return conn_; }

private:
    [[noreturn]] void fail(pg_result* res, std::string_view sql);
    /// The statement name for `sql`, and whether it still has to be prepared.
    std::pair<std::string, bool> statement_name(const std::string& sql) const;
    pg_conn* conn_ = nullptr;
    bool broken_ = false;
    std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

}  // namespace dh::db
