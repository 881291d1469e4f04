#include "vendors/suppression_store.hpp"

#include "db/tx.hpp"

namespace dh::vendors::suppression_store {
namespace {

#define DH_SUPPRESSION_COLUMNS                                                                                     \
    "id, address, reason, source, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS " \
    "created_at"

constexpr const char* kList = "SELECT " DH_SUPPRESSION_COLUMNS R"SQL( FROM suppressions
WHERE ($1::text IS NULL OR address ILIKE $1) AND ($2::text IS NULL OR reason = $2) AND address > $3
ORDER BY address LIMIT $4)SQL";
constexpr const char* kFindById = "SELECT " DH_SUPPRESSION_COLUMNS " FROM suppressions WHERE id = $1";
constexpr const char* kFindByAddress = "SELECT " DH_SUPPRESSION_COLUMNS " FROM suppressions WHERE address = lower($1)";
constexpr const char* kInsert =
    "INSERT INTO suppressions (tenant_id, address, reason, source) VALUES ($1, lower($2), $3, $4) "
    "ON CONFLICT (tenant_id, address) DO NOTHING RETURNING " DH_SUPPRESSION_COLUMNS;
constexpr const char* kDelete = "DELETE FROM suppressions WHERE id = $1";
// The entry for the address itself or for its whole domain (see suppression_match).
constexpr const char* kIsSuppressed = R"SQL(
SELECT EXISTS (SELECT 1 FROM suppressions WHERE address IN (lower($1), '@' || split_part(lower($1), '@', 2))) AS s)SQL";

Suppression from(const db::Result& r, int i) {
    return {r.text(i, "id"), r.text(i, "address"), r.text(i, "reason"), r.opt(i, "source"), r.text(i, "created_at")};
}

std::optional<Suppression> first(const db::Result& r) {
    if (r.empty()) return std::nullopt;
    return from(r, 0);
}

}  // namespace

std::vector<Suppression> list(db::Tx& tx, const std::optional<std::string>& pattern,
                              const std::optional<std::string>& reason, const std::string& after, int limit) {
    auto r = tx.exec(kList, {pattern, reason, after, limit + 1});
    std::vector<Suppression> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(from(r, i));
    return out;
}

std::optional<Suppression> find_by_id(db::Tx& tx, const std::string& id) {
    return first(tx.exec(kFindById, {id}));
}

std::optional<Suppression> find_by_address(db::Tx& tx, const std::string& address) {
    return first(tx.exec(kFindByAddress, {address}));
}

std::optional<Suppression> insert(db::Tx& tx, const std::string& tenant_id, const Suppression& s) {
    return first(tx.exec(kInsert, {tenant_id, s.address, s.reason, s.source}));
}

bool remove(db::Tx& tx, const std::string& id) {
    return tx.exec(kDelete, {id}).affected() > 0;
}

bool is_suppressed(db::Tx& tx, const std::string& address) {
    return tx.exec(kIsSuppressed, {address}).boolean(0, "s");
}

}  // namespace dh::vendors::suppression_store
