#include "db/tx.hpp"

#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::db {

namespace {

Login login_for(const Scope& scope) {
    return scope.kind == Scope::Kind::platform ? Login::platform : Login::app;
}

// What opens a transaction of `scope`. SET LOCAL lasts until the end of the transaction, so a
// pooled connection never carries one request's tenant into the next.
std::vector<Statement> preamble(const Scope& scope) {
    switch (scope.kind) {
        case Scope::Kind::tenant:
            return {{"BEGIN", {}},
                    {"SET LOCAL ROLE dispatchhub_app", {}},
                    {"SELECT set_config('app.tenant_id', $1, true)", {scope.tenant_id}}};
        case Scope::Kind::platform:
            return {{"BEGIN", {}}, {"SET LOCAL ROLE dispatchhub_platform", {}}};
        case Scope::Kind::anonymous:
            break;
    }
    return {{"BEGIN", {}}, {"SET LOCAL ROLE dispatchhub_app", {}}};
}

}  // namespace

// Platform-scope work connects with its own login, so a tenant-scoped connection can never become
// the platform role (nor the owner), even with RESET ROLE.
Tx::Tx(Pool& pool, const Scope& scope) : pool_(&pool), scope_(scope), conn_(pool.acquire(login_for(scope))) {
    if (scope.kind == Scope::Kind::tenant && scope.tenant_id.empty())
        throw Error(ErrorKind::internal, "internal", "Internal error.", "tenant scope without tenant");
}

Tx::~Tx() {
    if (done_ || !begun_) return;
    try {
        if (conn_->ok()) conn_->exec_script("ROLLBACK");
    } catch (const std::exception& e) {
        log::warn("rollback failed", {{"error", e.what()}});
    }
}

Result Tx::exec(std::string_view sql, const Params& params) {
    if (done_) throw Error(ErrorKind::internal, "internal", "Internal error.", "statement after the commit");
    if (!begun_) return first_exec(sql, params);
    if (!commit_with_next_) return conn_->exec(sql, params);
    auto result = conn_->exec_pipelined({}, sql, params, commit_trail());
    done_ = true;
    return result;
}

/// The preamble, the first statement (and COMMIT when asked) in one round trip. After a database
/// restart the idle connections of the pool are all dead, and each one only finds out when used: a
/// connection that breaks on the first round trip is dropped and the round trip sent again on the
/// next one. That is safe when nothing of it can have committed (no COMMIT went with it) or when
/// running it twice does no harm (a read the caller called repeatable); a write sent with its COMMIT
/// is not sent again. A fresh connection that cannot be opened is the database being away: that
/// error goes to the caller.
Result Tx::first_exec(std::string_view sql, const Params& params) {
    const int tries = pool_->stats().size + 1;  // every idle connection may be dead, then one fresh
    const auto trail = commit_with_next_ ? commit_trail() : std::vector<Statement>{};
    for (int attempt = 1;; ++attempt) {
        try {
            auto result = conn_->exec_pipelined(preamble(scope_), sql, params, trail);
            begun_ = true;
            done_ = commit_with_next_;
            return result;
        } catch (const Error& e) {
            if (conn_->ok()) {
                begun_ = true;  // the database refused a statement: the destructor rolls back
                throw;
            }
            if ((commit_with_next_ && !repeatable_) || attempt >= tries) throw;
            log::info("dropped a broken pooled connection before use", {{"error", e.detail()}});
            { PooledConnection dropped = std::move(conn_); }  // back to the pool, which drops it
            conn_ = pool_->acquire(login_for(scope_));
        }
    }
}

std::vector<Statement> Tx::commit_trail() const {
    auto trail = before_commit_;
    trail.push_back({"COMMIT", {}});
    return trail;
}

Connection& Tx::connection() {
    if (!begun_) {
        first_exec("SELECT 1", {});
    }
    return *conn_;
}

void Tx::commit() {
    if (done_) return;
    done_ = true;
    if (begun_) conn_->exec_script("COMMIT");
}

}  // namespace dh::db
