#include "db/tx.hpp"

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::db {

namespace {

// SET LOCAL lasts until the end of the transaction, so a pooled connection never carries one
// request's tenant into the next.
void begin(Connection& conn, const Scope& scope) {
    conn.exec_script("BEGIN");
    try {
        switch (scope.kind) {
            case Scope::Kind::tenant:
                if (scope.tenant_id.empty())
                    throw Error(ErrorKind::internal, "internal", "Internal error.", "tenant scope without tenant");
                conn.exec_script("SET LOCAL ROLE dispatchhub_app");
                conn.exec("SELECT set_config('app.tenant_id', $1, true)", {scope.tenant_id});
                break;
            case Scope::Kind::platform:
                conn.exec_script("SET LOCAL ROLE dispatchhub_platform");
                break;
            case Scope::Kind::anonymous:
                conn.exec_script("SET LOCAL ROLE dispatchhub_app");
                break;
        }
    } catch (...) {
        try {
            if (conn.ok()) conn.exec_script("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

/// A pooled connection with the transaction begun in `scope`. After a database restart the idle
/// connections of the pool are all dead, and each one only finds out when used: a connection that
/// breaks before the caller's first statement is dropped and the transaction begun on the next one
/// (nothing of the caller's work ran, so trying again is safe). A fresh connection that cannot be
/// opened is the database being away: that error goes to the caller.
PooledConnection begun(Pool& pool, const Scope& scope) {
    const Login login = scope.kind == Scope::Kind::platform ? Login::platform : Login::app;
    const int tries = pool.stats().size + 1;  // every idle connection may be dead, then one fresh
    for (int attempt = 1;; ++attempt) {
        auto conn = pool.acquire(login);
        try {
            begin(*conn, scope);
            return conn;
        } catch (const Error& e) {
            if (conn->ok() || attempt >= tries) throw;
            log::info("dropped a broken pooled connection before use", {{"error", e.detail()}});
        }
    }
}

}  // namespace

// Platform-scope work connects with its own login, so a tenant-scoped connection can never become
// the platform role (nor the owner), even with RESET ROLE.
Tx::Tx(Pool& pool, const Scope& scope) : conn_(begun(pool, scope)) {}

Tx::~Tx() {
    if (done_) return;
    try {
        if (conn_->ok()) conn_->exec_script("ROLLBACK");
    } catch (const std::exception& e) {
        log::warn("rollback failed", {{"error", e.what()}});
    }
}

void Tx::commit() {
    conn_->exec_script("COMMIT");
    done_ = true;
}

}  // namespace dh::db
