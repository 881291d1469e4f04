#pragma once
#include <functional>
#include <string>

#include "db/pool.hpp"

namespace dh::db {

/// Who a transaction acts for. Row-level security policies read this; there is no default.
struct Scope {
    enum class Kind { tenant, platform, anonymous };
    Kind kind;
    std::string tenant_id;

    /// Tenant data of exactly one tenant (role dispatchhub_app, app.tenant_id set locally).
    static Scope tenant(std::string id) { return {Kind::tenant, std::move(id)}; }
    /// The explicit cross-tenant path (super admin, worker claims, login lookup): role dispatchhub_platform.
    static Scope platform() { return {Kind::platform, {}}; }
    /// No tenant: tenant tables read as empty.
    static Scope anonymous() { return {Kind::anonymous, {}}; }
};

/// A transaction bound to a scope. Rolls back unless commit() is called.
///
/// Round trips: BEGIN and the scope (role, tenant) travel with the first statement, and a
/// transaction told `commit_with_next()` sends COMMIT with its next statement, so a one-statement
/// transaction costs one round trip.
class Tx {
public:
    Tx(Pool& pool, const Scope& scope);
    ~Tx();
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

    Result exec(std::string_view sql, const Params& params = {});
    /// The next statement is the last: COMMIT goes with it, and commit() then has nothing to do.
    /// `repeatable`: the statement may run twice (a read), so when it is the transaction's first and
    /// the pooled connection turns out broken, it is sent again on a fresh one like any first round
    /// trip without COMMIT; a write is not (it may have committed before the connection broke).
    void commit_with_next(bool repeatable = false) {
        commit_with_next_ = true;
        repeatable_ = repeatable;
    }
    /// A statement sent after the last one and before its COMMIT, in the same round trip: a check
    /// that must hold when the transaction commits (e.g. a plan limit, after the insert has been
    /// counted). An error it raises aborts the transaction, and the COMMIT does not run. Only with
    /// commit_with_next(); the statement's result is not read.
    void check_before_commit(Statement check) { before_commit_.push_back(std::move(check)); }
    void commit();
    /// The connection, with the transaction begun (for COPY and scripts).
    Connection& connection();

private:
    Result first_exec(std::string_view sql, const Params& params);
    std::vector<Statement> commit_trail() const;
    Pool* pool_;
    Scope scope_;
    PooledConnection conn_;
    bool begun_ = false;
    bool commit_with_next_ = false;
    bool repeatable_ = false;
    bool done_ = false;
    std::vector<Statement> before_commit_;
};

/// Runs `fn` in a transaction of `scope`, committing on return; retries serialization failures.
template <class Fn>
auto with_tx(Pool& pool, const Scope& scope, Fn&& fn) -> decltype(fn(std::declval<Tx&>()));

}  // namespace dh::db

#include "db/tx_impl.hpp"
