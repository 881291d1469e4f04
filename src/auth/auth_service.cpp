#include "auth/auth_service.hpp"

#include "audit/audit.hpp"
#include "common/digest.hpp"
#include "common/error.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"

namespace dh::auth {
namespace {

Error invalid_credentials() {
    return Error(ErrorKind::unauthenticated, "invalid_credentials", "The email or password is wrong.");
}

Error tenant_suspended() {
    return Error(ErrorKind::forbidden, "tenant_suspended",
                 "This workspace is suspended; contact the platform operator.");
}

audit::Entry login_entry(const tenancy::User& user, const std::string& action, const Origin& origin) {
    audit::Entry e;
    e.tenant_id = user.tenant_id;
    e.actor_type = "user";
    e.actor_id = user.id;
    e.actor_label = user.email;
    e.action = action;
    e.target_type = "user";
    e.target_id = user.id;
    e.request_id = origin.request_id;
    e.client_ip = origin.client_ip;
    return e;
}

}  // namespace

std::string token_hash(const std::string& token) {
    return digest::sha256_hex(token);
}

AuthService::AuthService(db::Pool& pool, std::string jwt_secret, PasswordCost cost,
                         std::function<void()> count_password_verification, PrincipalCache* cache)
    : pool_(pool),
      jwt_(std::move(jwt_secret)),
      cost_(cost),
      dummy_hash_(hash_password(random::hex(16), cost)),
      count_password_verification_(std::move(count_password_verification)),
      cache_(cache),
      key_uses_(pool) {}

void AuthService::forget_user(const std::string& user_id) {
    if (cache_) cache_->drop_user(user_id);
}

void AuthService::throttle(db::Tx& tx, const std::string& key, int max_failures) {
    auto [count, wait] = auth_store::failures(tx, key, kThrottleWindowSeconds);
    if (count >= max_failures)
        throw Error(ErrorKind::too_many_requests, "too_many_attempts",
                    "Too many failed sign-in attempts; try again later.")
            .with("retry_after", std::int64_t{std::max(1L, wait)});
}

bool AuthService::verify(const std::string& hash, const std::string& password) {
    if (count_password_verification_) count_password_verification_();
    return verify_password(hash, password);
}

Session AuthService::login(const std::string& email_in, const std::string& password,
                           const std::optional<std::string>& tenant_slug, const Origin& origin) {
    const std::string email = strings::to_lower(strings::trim(email_in));
    const std::string account_key = "acct:" + email + "|" + tenant_slug.value_or("");
    const std::string ip_key = "ip:" + origin.client_ip;
    auto [candidates, refused] = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        throttle(tx, account_key, kMaxAccountFailures);
        throttle(tx, ip_key, kMaxAddressFailures);
        return std::make_pair(auth_store::login_candidates(tx, email, tenant_slug), false);
    });
    (void)refused;
    std::vector<const Candidate*> matches;
    for (auto& c : candidates)
        if (verify(c.user.password_hash, password)) matches.push_back(&c);
    if (candidates.empty()) verify(dummy_hash_, password);  // same work as a wrong password

    const Candidate* chosen = matches.size() == 1 ? matches.front() : nullptr;
    if (matches.size() > 1)
        throw Error(ErrorKind::bad_request, "tenant_required",
                    "This email belongs to several workspaces; give the workspace (tenant slug).");
    return db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (!chosen || chosen->user.status != "active") {
            auth_store::record_failure(tx, account_key);
            auth_store::record_failure(tx, ip_key);
            if (!candidates.empty())
                audit::record(tx, login_entry(candidates.front().user, "auth.login_failed", origin));
            tx.commit();
            throw invalid_credentials();
        }
        if (chosen->tenant_status && *chosen->tenant_status != "active") throw tenant_suspended();
        std::optional<std::string> rehash;
        if (needs_rehash(chosen->user.password_hash, cost_)) rehash = hash_password(password, cost_);
        auto token_version = auth_store::record_login(tx, chosen->user.id, rehash);
        auth_store::clear_failures(tx, account_key);
        audit::record(tx, login_entry(chosen->user, "auth.login", origin));
        auto session = issue_session(tx, chosen->user, token_version, random::uuid());
        tx.commit();
        if (rehash) forget_user(chosen->user.id);  // a new hash raised the token version
        return session;
    });
}

Session AuthService::issue_session(db::Tx& tx, const tenancy::User& user, std::int64_t token_version,
                                   const std::string& family_id) {
    Session s;
    s.user = user;
    s.refresh_token = "dhr_" + random::token(32);
    auth_store::insert_refresh(tx, family_id, user.id, user.tenant_id, token_hash(s.refresh_token), kRefreshTtlSeconds);
    s.access_token = jwt_.issue({user.id, user.tenant_id, user.role, random::hex(12), 0, 0, token_version}, unix_now());
    return s;
}

Session AuthService::refresh(const std::string& refresh_token, const Origin& origin) {
    if (refresh_token.empty()) throw Error::unauthenticated("No refresh token.");
    std::optional<std::string> reused_by;  // the user whose access tokens the reuse ended
    auto outcome = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) -> std::optional<Session> {
        reused_by.reset();
        auto row = auth_store::refresh_for_update(tx, token_hash(refresh_token));
        if (!row || row->expired || row->revoked) return std::nullopt;
        if (row->rotated) {
            // A rotated token came back: someone holds a copy. Burn the whole family, and the access
            // tokens already issued from it (whoever holds the copy may hold one of those too).
            auth_store::revoke_family(tx, row->family_id);
            auth_store::end_access_tokens(tx, row->user_id);
            reused_by = row->user_id;
            audit::Entry e;
            e.tenant_id = row->tenant_id;
            e.actor_id = row->user_id;
            e.action = "auth.refresh_reuse_detected";
            e.target_type = "user";
            e.target_id = row->user_id;
            e.request_id = origin.request_id;
            e.client_ip = origin.client_ip;
            audit::record(tx, e);
            tx.commit();
            return std::nullopt;
        }
        auto candidate = auth_store::user_by_id(tx, row->user_id);
        if (!candidate || candidate->user.status != "active") return std::nullopt;
        if (candidate->tenant_status && *candidate->tenant_status != "active") throw tenant_suspended();
        auth_store::mark_rotated(tx, row->id);
        return issue_session(tx, candidate->user, candidate->token_version, row->family_id);
    });
    if (reused_by) forget_user(*reused_by);
    if (!outcome)
        throw Error(ErrorKind::unauthenticated, "invalid_refresh_token", "The session has ended; sign in again.");
    return *outcome;
}

void AuthService::logout(const std::string& refresh_token) {
    if (refresh_token.empty()) return;
    db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        if (auto row = auth_store::refresh_for_update(tx, token_hash(refresh_token)))
            auth_store::revoke_family(tx, row->family_id);
    });
}

// One round trip: the lookup goes with BEGIN, the role and COMMIT (db::Tx::commit_with_next).
std::optional<Candidate> AuthService::token_user(const std::string& user_id, std::int64_t token_version) {
    // A kept row of another token version is read again rather than trusted either way: the token
    // may be newer than the row (its notice still on the way).
    if (cache_)
        if (auto kept = cache_->user(user_id); kept && kept->token_version == token_version) return kept;
    const auto generation = cache_ ? cache_->generation() : 0;
    auto row = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
        tx.commit_with_next(true);  // a read: repeatable on a fresh connection
        return auth_store::user_by_id(tx, user_id);
    });
    if (cache_ && row) cache_->put_user(user_id, *row, generation);
    return row;
}

Principal AuthService::principal_from_jwt(const AccessClaims& claims) {
    auto candidate = token_user(claims.subject, claims.token_version);
    auto ended = [] { return Error::unauthenticated("The session has ended; sign in again."); };
    if (!candidate || candidate->user.status != "active" || candidate->user.tenant_id != claims.tenant_id)
        throw ended();
    // Suspension first: its 403 tells the user why, although the suspension also ended the token.
    if (candidate->tenant_status && *candidate->tenant_status != "active") throw tenant_suspended();
    if (candidate->token_version != claims.token_version) throw ended();
    auto role = role_from_string(candidate->user.role);  // the stored role wins over the token's
    if (!role) throw Error::unauthenticated();
    return {Principal::Kind::user, candidate->user.id, candidate->user.tenant_id, *role, candidate->user.email};
}

// The lookup is one round trip, or none when the key is kept; `last_used_at` is written by
// key_uses_ on its own thread, at most once a minute per key.
Principal AuthService::principal_from_api_key(const std::string& key) {
    const auto hash = token_hash(key);
    std::optional<ApiKeyRow> row;
    if (cache_) row = cache_->api_key(hash);
    if (!row) {
        const auto generation = cache_ ? cache_->generation() : 0;
        row = db::with_tx(pool_, db::Scope::platform(), [&](db::Tx& tx) {
            tx.commit_with_next(true);
            return auth_store::api_key_by_hash(tx, hash);
        });
        if (cache_ && row) cache_->put_api_key(hash, *row, generation);
    }
    if (row && !row->revoked_at && row->tenant_status == "active") key_uses_.used(row->id);
    if (!row || row->revoked_at) throw Error::unauthenticated("The API key is not valid.");
    if (row->tenant_status != "active") throw tenant_suspended();
    auto role = role_from_string(row->role);
    if (!role || *role == Role::super_admin) throw Error::unauthenticated();
    return {Principal::Kind::api_key, row->id, row->tenant_id, *role, "api-key:" + row->name};
}

Principal AuthService::authenticate(const std::string& header) {
    constexpr std::string_view kBearer = "Bearer ";
    if (header.size() <= kBearer.size() || strings::to_lower(header.substr(0, kBearer.size())) != "bearer ")
        throw Error::unauthenticated();
    std::string credential = strings::trim(header.substr(kBearer.size()));
    if (credential.rfind("dh_", 0) == 0) return principal_from_api_key(credential);
    auto claims = jwt_.verify(credential, unix_now());
    if (!claims) throw Error(ErrorKind::unauthenticated, "invalid_token", "The access token is not valid.");
    return principal_from_jwt(*claims);
}

NewApiKey AuthService::create_api_key(const Principal& creator, const std::string& name, const std::string& role,
                                      const Origin& origin) {
    if (role != "tenant_member" && role != "tenant_admin")
        throw Error::invalid_field("role", "must be tenant_member or tenant_admin");
    NewApiKey out;
    std::string prefix = random::hex(4);
    out.secret = "dh_" + prefix + "_" + random::token(32);
    std::optional<std::string> created_by;
    if (creator.kind == Principal::Kind::user) created_by = creator.id;
    out.row = db::with_tx(pool_, db::Scope::tenant(*creator.tenant_id), [&](db::Tx& tx) {
        auto row = auth_store::insert_api_key(tx, *creator.tenant_id, name, "dh_" + prefix, token_hash(out.secret),
                                              role, created_by);
        auto e = audit::by(creator, origin.request_id, origin.client_ip, "api_key.created", "api_key", row.id);
        e.details = {{"name", name}, {"role", role}};
        audit::record(tx, e);
        return row;
    });
    return out;
}

std::vector<ApiKeyRow> AuthService::list_api_keys(const std::string& tenant_id) {
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) { return auth_store::list_api_keys(tx); });
}

void AuthService::revoke_api_key(const Principal& caller, const std::string& id, const Origin& origin) {
    if (!strings::is_uuid(id)) throw Error::not_found("API key");
    db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        if (!auth_store::revoke_api_key(tx, id)) throw Error::not_found("API key");
        audit::record(tx, audit::by(caller, origin.request_id, origin.client_ip, "api_key.revoked", "api_key", id));
    });
    if (cache_) cache_->drop_api_key(id);
}

}  // namespace dh::auth
