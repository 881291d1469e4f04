#pragma once
#include <optional>
#include <string>

/// SQL fragments that resolve a dispatch's recipients, shared by the fan-out, the preview counts and
/// the recipient pages, so that every one of them applies the same contact-role rule and suppressions.
/// Parameters they read: $1 tenant id, $2 list ids, $3 vendor ids, $4 contact role.
namespace dh::dispatch::recipient_sql {

/// Whether the address in the SQL expression `email` is suppressed (an entry for the address, or for
/// its whole domain "@domain"), over a row `s` of suppressions.
std::string suppressed_match(const std::string& email);
/// `WITH chosen, matched, recipients`: one row per distinct address (any letter case) of the
/// contacts the rule picks; `recipients` has vendor_id, contact_id, email, name, is_primary,
/// contact_created and `extra_columns` (over vendor `v` and contact `c`, each starting with ", ").
std::string recipients_cte(const std::string& extra_columns);
/// "The recipient has no value for `field`" over its vendor `v` and the SQL expression
/// `contact_name`; a vendor.custom.<key> field reads its key from `key_param`. nullopt: not a
/// per-recipient field.
std::optional<std::string> missing_value_condition(const std::string& field, const std::string& contact_name,
                                                   const std::string& key_param);

}  // namespace dh::dispatch::recipient_sql
