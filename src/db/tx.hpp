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
class Tx {
public:
    Tx(Pool& pool, const Scope& scope);
    ~Tx();
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

    Result exec(std::string_view sql, const Params& params = {}) { return conn_->exec(sql, params); }
    void commit();
    Connection& connection() { return *conn_; }

private:
    PooledConnection conn_;
    bool done_ = false;
};

/// Runs `fn` in a transaction of `scope`, committing on return; retries serialization failures.
template <class Fn>
auto with_tx(Pool& pool, const Scope& scope, Fn&& fn) -> decltype(fn(std::declval<Tx&>()));

}  // namespace dh::db

#include "db/tx_impl.hpp"
