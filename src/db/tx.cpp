#include "db/tx.hpp"

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::db {

// SET LOCAL lasts until the end of the transaction, so a pooled connection never carries one
// request's tenant into the next.
// Platform-scope work connects with its own login, so a tenant-scoped connection can never become
// the platform role (nor the owner), even with RESET ROLE.
Tx::Tx(Pool& pool, const Scope& scope)
    : conn_(pool.acquire(scope.kind == Scope::Kind::platform ? Login::platform : Login::app)) {
    conn_->exec_script("BEGIN");
    try {
        switch (scope.kind) {
            case Scope::Kind::tenant:
                if (scope.tenant_id.empty())
                    throw Error(ErrorKind::internal, "internal", "Internal error.", "tenant scope without tenant");
                conn_->exec_script("SET LOCAL ROLE dispatchhub_app");
                conn_->exec("SELECT set_config('app.tenant_id', $1, true)", {scope.tenant_id});
                break;
            case Scope::Kind::platform:
                conn_->exec_script("SET LOCAL ROLE dispatchhub_platform");
                break;
            case Scope::Kind::anonymous:
                conn_->exec_script("SET LOCAL ROLE dispatchhub_app");
                break;
        }
    } catch (...) {
        try {
            conn_->exec_script("ROLLBACK");
        } catch (...) {
        }
        throw;
    }
}

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
