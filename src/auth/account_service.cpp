#include "auth/account_service.hpp"

#include "audit/audit.hpp"
#include "auth/account_store.hpp"
#include "auth/auth_store.hpp"
#include "common/error.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"

namespace dh::auth {
namespace {

Error invalid_reset_token() {
    return Error::bad_request("invalid_reset_token",
                              "This reset code is not valid (used, expired or unknown); ask for a new one.");
}

void check_new_password(const std::string& password, const std::string& email) {
    if (auto problem = password_problem(password, email); !problem.empty())
        throw Error::invalid_field("new_password", problem);
}

audit::Entry user_entry(const std::string& tenant_id, const std::string& user_id, const std::string& email,
                        const std::string& action, const Origin& origin) {
    audit::Entry e;
    e.tenant_id = tenant_id;
    e.actor_type = "user";
    e.actor_id = user_id;
    e.actor_label = email;
    e.action = action;
    e.target_type = "user";
    e.target_id = user_id;
    e.request_id = origin.request_id;
    e.client_ip = origin.client_ip;
    return e;
}

std::string reset_body(const std::string& email, const std::string& workspace, const std::string& token) {
    return "Someone asked to reset the DispatchHub password of " + email + " in the workspace " + workspace +
           ".\n\nYour reset code (valid for one hour, usable once):\n\n    " + token +
           "\n\nIf you did not ask for this, ignore this mail: your password stays as it is.\n";
}

}  // namespace

AccountService::AccountService(db::Pool& pool, PasswordCost cost, PrincipalCache* principals)
    : pool_(pool), cost_(cost), principals_(principals) {}

void AccountService::change_password(const Principal& caller, const std::string& current_password,
                                     const std::string& new_password, const Origin& origin) {
    if (caller.kind != Principal::Kind::user) throw Error::forbidden("An API key has no password to change.");
    const std::string throttle_key = "pwchange:" + caller.id;
    auto user = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto [count, wait] = auth_store::failures(tx, throttle_key, AuthService::kThrottleWindowSeconds);
        if (count >= kMaxChangeFailures)
            throw Error(ErrorKind::too_many_requests, "too_many_attempts", "Too many wrong passwords; try again later.")
                .with("retry_after", std::int64_t{std::max(1L, wait)});
        return auth_store::user_by_id(tx, caller.id);
    });
    if (!user) throw Error::unauthenticated();
    if (!verify_password(user->user.password_hash, current_password)) {
        db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) { auth_store::record_failure(tx, throttle_key); });
        throw Error::invalid_field("current_password", "is not your current password");
    }
    check_new_password(new_password, user->user.email);
    auto hash = hash_password(new_password, cost_);
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        account_store::set_password(tx, caller.id, hash);
        account_store::close_resets(tx, caller.id);
        auth_store::clear_failures(tx, throttle_key);
        audit::record(tx, user_entry(user->user.tenant_id.value_or(""), caller.id, user->user.email,
                                     "auth.password_changed", origin));
    });
    if (principals_) principals_->drop_user(caller.id);
}

void AccountService::request_reset(const std::string& email_in, const std::string& tenant_slug, const Origin& origin) {
    const std::string email = strings::to_lower(strings::trim(email_in));
    const std::string throttle_key = "reset:" + email + "|" + tenant_slug;
    // Both paths draw a token, hash it, read the account and its throttle and record the request.
    const std::string token = random::token(32);
    const std::string hash = token_hash(token);
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        auto [count, wait] = auth_store::failures(tx, throttle_key, AuthService::kThrottleWindowSeconds);
        (void)wait;
        auth_store::record_failure(tx, throttle_key);
        auto candidates = auth_store::login_candidates(tx, email, tenant_slug);
        const Candidate* match = nullptr;
        for (auto& c : candidates)
            if (c.user.tenant_id && c.tenant_status == "active" && c.user.status == "active") match = &c;
        if (!match || count >= kMaxResetRequests) return;
        const auto& user = match->user;
        account_store::insert_reset(tx, *user.tenant_id, user.id, hash, kResetTtlSeconds);
        account_store::queue_mail(tx, *user.tenant_id, user.email, user.name, "Reset your DispatchHub password",
                                  reset_body(user.email, tenant_slug, token));
        audit::record(tx, user_entry(*user.tenant_id, user.id, user.email, "auth.password_reset_requested", origin));
    });
}

void AccountService::confirm_reset(const std::string& token, const std::string& new_password, const Origin& origin) {
    const std::string hash = token_hash(token);
    auto row = db::with_tx(pool_, db::Scope::platform(),
                           [&](db::Tx& tx) { return account_store::reset_for_update(tx, hash); });
    if (!row || !row->usable) throw invalid_reset_token();
    check_new_password(new_password, row->email);
    auto password_hash = hash_password(new_password, cost_);
    std::string user_id;
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        // Again under the row lock: two confirmations of one token race for it, one wins.
        auto locked = account_store::reset_for_update(tx, hash);
        if (!locked || !locked->usable) throw invalid_reset_token();
        account_store::set_password(tx, locked->user_id, password_hash);
        account_store::close_resets(tx, locked->user_id);
        audit::record(tx, user_entry(locked->tenant_id, locked->user_id, locked->email, "auth.password_reset", origin));
        user_id = locked->user_id;
    });
    if (principals_) principals_->drop_user(user_id);
}

}  // namespace dh::auth
