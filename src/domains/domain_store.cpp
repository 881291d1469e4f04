#include "domains/domain_store.hpp"

#include <nlohmann/json.hpp>

#include "db/sql_text.hpp"
#include "db/tx.hpp"

namespace dh::domains::domain_store {
namespace {

constexpr const char* kColumns =
    "id, tenant_id, domain, status, ownership_token, dkim_selector, dkim_public, next_selector, next_public, "
    "ed25519_selector, ed25519_public, "
    "records::text AS records, check_error, " DH_SQL_TIMESTAMP("created_at") " AS created_at, " DH_SQL_TIMESTAMP(
        "verified_at") " AS verified_at, " DH_SQL_TIMESTAMP("checked_at") " AS checked_at";

constexpr const char* kInsert = R"SQL(
INSERT INTO sending_domains (tenant_id, domain, ownership_token, dkim_selector, dkim_public, dkim_private_sealed, created_by)
VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::uuid) RETURNING id)SQL";
const std::string kById = std::string("SELECT ") + kColumns + " FROM sending_domains WHERE id = $1::uuid";
const std::string kList = std::string("SELECT ") + kColumns + " FROM sending_domains ORDER BY domain, tenant_id";
constexpr const char* kCount = "SELECT count(*) AS n FROM sending_domains";
constexpr const char* kExists = "SELECT count(*) AS n FROM sending_domains WHERE domain = $1";
constexpr const char* kDelete = "DELETE FROM sending_domains WHERE id = $1::uuid";
constexpr const char* kActiveDispatches = R"SQL(
SELECT count(*) AS n FROM dispatches
WHERE status IN ('queued', 'sending') AND lower(split_part(from_email, '@', 2)) = $1)SQL";
constexpr const char* kSaveCheck = R"SQL(
UPDATE sending_domains
SET status = $2, records = $3::jsonb, check_error = $4, checked_at = now(),
    verified_at = CASE WHEN $2 = 'verified' AND status <> 'verified' THEN now() ELSE verified_at END
WHERE id = $1::uuid)SQL";
constexpr const char* kLockStatus = "SELECT status FROM sending_domains WHERE id = $1::uuid FOR UPDATE";
const std::string kDue = std::string("SELECT ") + kColumns + R"SQL( FROM sending_domains
WHERE checked_at IS NULL OR checked_at <= now() - make_interval(secs => $1)
ORDER BY checked_at NULLS FIRST LIMIT $2)SQL";

constexpr const char* kSetNext = R"SQL(
UPDATE sending_domains SET next_selector = $2, next_public = $3, next_private_sealed = $4 WHERE id = $1::uuid)SQL";
constexpr const char* kPromote = R"SQL(
UPDATE sending_domains
SET dkim_selector = next_selector, dkim_public = next_public, dkim_private_sealed = next_private_sealed,
    next_selector = NULL, next_public = NULL, next_private_sealed = NULL
WHERE id = $1::uuid AND next_selector = $2)SQL";
constexpr const char* kSetEd25519 = R"SQL(
UPDATE sending_domains SET ed25519_selector = $2, ed25519_public = $3, ed25519_private_sealed = $4
WHERE id = $1::uuid)SQL";
constexpr const char* kPlatformKey =
    "SELECT selector, public_key, private_sealed FROM platform_dkim_keys WHERE domain = $1";
constexpr const char* kKeepPlatformKey = R"SQL(
INSERT INTO platform_dkim_keys (domain, selector, public_key, private_sealed) VALUES ($1, $2, $3, $4)
ON CONFLICT (domain) DO NOTHING)SQL";
constexpr const char* kStatusOf = "SELECT status FROM sending_domains WHERE domain = $1";
// The Ed25519 key signs only while its own record is verified (as of the latest check).
constexpr const char* kSigningKey = R"SQL(
SELECT dkim_selector, dkim_private_sealed,
  CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(records) r
                    WHERE r->>'purpose' = 'dkim' AND r->>'status' = 'verified'
                      AND r->>'name' = ed25519_selector || '._domainkey.' || domain)
       THEN ed25519_selector END AS ed25519_selector,
  ed25519_private_sealed,
  EXISTS (SELECT 1 FROM jsonb_array_elements(records) r
          WHERE r->>'purpose' = 'return_path' AND r->>'status' = 'verified') AS return_path
FROM sending_domains
WHERE tenant_id = $1::uuid AND domain = $2 AND status = 'verified')SQL";

std::vector<DnsRecord> records_from(const std::string& text) {
    std::vector<DnsRecord> out;
    for (auto& j : nlohmann::json::parse(text)) {
        DnsRecord r;
        r.purpose = j.value("purpose", "");
        r.type = j.value("type", "TXT");
        r.name = j.value("name", "");
        r.value = j.value("value", "");
        r.status = j.value("status", "missing");
        r.found = j.value("found", std::vector<std::string>{});
        out.push_back(std::move(r));
    }
    return out;
}

std::string records_text(const std::vector<DnsRecord>& records) {
    auto out = nlohmann::json::array();
    for (auto& r : records)
        out.push_back({{"purpose", r.purpose},
                       {"type", r.type},
                       {"name", r.name},
                       {"value", r.value},
                       {"status", r.status},
                       {"found", r.found}});
    return out.dump();
}

Domain domain_from(const db::Result& r, int i) {
    Domain d;
    d.id = r.text(i, "id");
    d.tenant_id = r.text(i, "tenant_id");
    d.domain = r.text(i, "domain");
    d.status = r.text(i, "status");
    d.ownership_token = r.text(i, "ownership_token");
    d.dkim_selector = r.text(i, "dkim_selector");
    d.dkim_public = r.text(i, "dkim_public");
    d.next_selector = r.opt(i, "next_selector");
    d.next_public = r.opt(i, "next_public");
    d.ed25519_selector = r.opt(i, "ed25519_selector");
    d.ed25519_public = r.opt(i, "ed25519_public");
    d.records = records_from(r.text(i, "records"));
    d.check_error = r.opt(i, "check_error");
    d.created_at = r.text(i, "created_at");
    d.verified_at = r.opt(i, "verified_at");
    d.checked_at = r.opt(i, "checked_at");
    return d;
}

std::vector<Domain> domains_from(const db::Result& r) {
    std::vector<Domain> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(domain_from(r, i));
    return out;
}

}  // namespace

std::string insert(db::Tx& tx, const NewDomain& d) {
    return tx
        .exec(kInsert, {d.tenant_id, d.domain, d.ownership_token, d.dkim_selector, d.dkim_public, d.dkim_private_sealed,
                        d.created_by})
        .text(0, "id");
}

std::optional<Domain> by_id(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kById, {id});
    if (r.empty()) return std::nullopt;
    return domain_from(r, 0);
}

std::vector<Domain> list(db::Tx& tx) {
    return domains_from(tx.exec(kList));
}

long long count(db::Tx& tx) {
    return tx.exec(kCount).integer(0, "n");
}

bool exists(db::Tx& tx, const std::string& domain) {
    return tx.exec(kExists, {domain}).integer(0, "n") > 0;
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).affected() > 0;
}

long long active_dispatches(db::Tx& tx, const std::string& domain) {
    return tx.exec(kActiveDispatches, {domain}).integer(0, "n");
}

std::optional<std::string> lock_status(db::Tx& tx, const std::string& id) {
    auto r = tx.exec(kLockStatus, {id});
    if (r.empty()) return std::nullopt;
    return r.text(0, 0);
}

bool save_check(db::Tx& tx, const std::string& id, const std::string& status, const std::vector<DnsRecord>& records,
                const std::optional<std::string>& check_error) {
    return tx.exec(kSaveCheck, {id, status, records_text(records), check_error}).affected() > 0;
}

std::vector<Domain> due_for_check(db::Tx& tx, long long interval_seconds, int limit) {
    return domains_from(tx.exec(kDue, {static_cast<double>(interval_seconds), limit}));
}

void set_next_key(db::Tx& tx, const std::string& id, const std::string& selector, const std::string& public_key,
                  const std::string& private_sealed) {
    tx.exec(kSetNext, {id, selector, public_key, private_sealed});
}

bool promote_next_key(db::Tx& tx, const std::string& id, const std::string& selector) {
    return tx.exec(kPromote, {id, selector}).affected() > 0;
}

void set_ed25519_key(db::Tx& tx, const std::string& id, const std::optional<SealedKey>& key,
                     const std::optional<std::string>& public_key) {
    if (key)
        tx.exec(kSetEd25519, {id, key->selector, public_key, key->private_sealed});
    else
        tx.exec(kSetEd25519, {id, nullptr, nullptr, nullptr});
}

std::optional<PlatformKey> platform_key(db::Tx& tx, const std::string& domain) {
    auto r = tx.exec(kPlatformKey, {domain});
    if (r.empty()) return std::nullopt;
    return PlatformKey{r.text(0, "selector"), r.text(0, "public_key"), r.text(0, "private_sealed")};
}

PlatformKey keep_platform_key(db::Tx& tx, const std::string& domain, const PlatformKey& key) {
    tx.exec(kKeepPlatformKey, {domain, key.selector, key.public_key, key.private_sealed});
    return *platform_key(tx, domain);
}

std::optional<std::string> status_of(db::Tx& tx, const std::string& domain) {
    auto r = tx.exec(kStatusOf, {domain});
    if (r.empty()) return std::nullopt;
    return r.text(0, "status");
}

std::optional<SigningKeyRow> signing_key(db::Tx& tx, const std::string& tenant_id, const std::string& domain) {
    auto r = tx.exec(kSigningKey, {tenant_id, domain});
    if (r.empty()) return std::nullopt;
    SigningKeyRow out{
        {r.text(0, "dkim_selector"), r.text(0, "dkim_private_sealed")}, std::nullopt, r.boolean(0, "return_path")};
    if (auto selector = r.opt(0, "ed25519_selector"))
        out.ed25519 = SealedKey{*selector, r.text(0, "ed25519_private_sealed")};
    return out;
}

}  // namespace dh::domains::domain_store
