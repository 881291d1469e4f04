#include "dispatch/recipient_sql.hpp"

namespace dh::dispatch::recipient_sql {
namespace {

// The contact-role rule, the one definition (the API docs and the UI help say the same): the
// dispatch's recipients.contact_role ($4) chooses each vendor's contacts:
//   null  -> the vendor's primary contact (none marked primary: its earliest contact);
//   "all" -> every contact;  any other text -> the contacts with exactly that role.
// A list member added with a contact_role is mailed only at contacts with that role (null and "all"
// then mean all of those). Over the chosen row `ch`, vendor `v` and contact `c`.
constexpr const char* kContactRoleRule = R"SQL(CASE
    WHEN ch.member_role IS NOT NULL THEN c.role = ch.member_role AND coalesce($4::text, 'all') IN ('all', c.role)
    WHEN $4::text IS NULL THEN
      c.id = (SELECT p.id FROM vendor_contacts p WHERE p.vendor_id = v.id ORDER BY p.is_primary DESC, p.created_at, p.id LIMIT 1)
    WHEN $4::text = 'all' THEN true
    ELSE c.role = $4::text
  END)SQL";

}  // namespace

// Whether the address `email` is suppressed: an entry for the address (stored lower-cased) or for
// its whole domain ("@domain"). Over the tenant $1.
std::string suppressed_match(const std::string& email) {
    return "s.tenant_id = $1::uuid AND s.address IN (lower(" + email + "), '@' || split_part(lower(" + email +
           "), '@', 2))";
}

// Every matching contact (kContactRoleRule) of every selected active vendor, one recipient per
// distinct address in any letter case (the primary contact wins). `matched` keeps every match, so
// that a vendor whose only contact is shared with another vendor still counts as matched.
// `extra_columns` adds columns over the vendor `v` and contact `c` of each recipient.
std::string recipients_cte(const std::string& extra_columns) {
    return R"SQL(
WITH chosen AS (
  SELECT v.id AS vendor_id, NULL::text AS member_role FROM vendors v WHERE v.id = ANY($3::uuid[])
  UNION ALL
  SELECT m.vendor_id, m.contact_role FROM vendor_list_members m WHERE m.list_id = ANY($2::uuid[])
), matched AS (
  SELECT c.vendor_id, c.id AS contact_id, c.email, c.name, c.is_primary, c.created_at AS contact_created)SQL" +
           extra_columns + R"SQL(
  FROM chosen ch
  JOIN vendors v ON v.id = ch.vendor_id AND v.status = 'active' AND v.deleted_at IS NULL
  JOIN vendor_contacts c ON c.vendor_id = v.id
  WHERE )SQL" +
           kContactRoleRule + R"SQL(
), recipients AS (
  SELECT DISTINCT ON (lower(email)) * FROM matched ORDER BY lower(email), is_primary DESC, contact_created, contact_id
))SQL";
}

// "The recipient has no value for `field`" over its vendor `v` and contact name column; a
// vendor.custom.<key> field reads its key from `key_param`. nullopt: not a per-recipient field.
std::optional<std::string> missing_value_condition(const std::string& field, const std::string& contact_name,
                                                   const std::string& key_param) {
    if (field == "vendor.code") return "coalesce(v.code, '') = ''";
    if (field == "contact.name") return "coalesce(" + contact_name + ", '') = ''";
    if (field.rfind("vendor.custom.", 0) == 0) return "coalesce(v.custom_fields->>" + key_param + ", '') = ''";
    if (field == "vendor.name") return "v.id IS NULL";
    return std::nullopt;
}

}  // namespace dh::dispatch::recipient_sql
