#include "dispatch/dispatch_reader_store.hpp"

#include "db/arrays.hpp"
#include "db/tx.hpp"
#include "dispatch/merge_template.hpp"
#include "dispatch/recipient_sql.hpp"

namespace dh::dispatch::dispatch_reader_store {
namespace {

// $5 search pattern (ILIKE, NULL: all), $6/$7 keyset after (email, contact_id), $8 limit,
// $9 the key of a vendor.custom.<key> missing field. One row even for an empty page, so that the
// total is always read: its recipient columns are then NULL.
std::string recipients_sql(const std::optional<std::string>& missing_condition) {
    using namespace recipient_sql;
    std::string missing = missing_condition ? " AND (" + *missing_condition +
                                                  ") AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE " +
                                                  suppressed_match("r.email") + ")"
                                            : "";
    return recipients_cte(", c.role") + R"SQL(
, filtered AS (
  SELECT r.email, r.contact_id, r.name AS contact_name, r.role, v.id AS vendor_id, v.name AS vendor_name,
         v.code AS vendor_code,
         EXISTS (SELECT 1 FROM suppressions s WHERE )SQL" +
           suppressed_match("r.email") + R"SQL() AS suppressed
  FROM recipients r JOIN vendors v ON v.id = r.vendor_id
  WHERE ($5::text IS NULL OR concat_ws(' ', v.name, v.code, r.name, r.role, r.email) ILIKE $5))SQL" +
           missing + R"SQL(
), page AS (
  SELECT * FROM filtered f
  WHERE $6::text IS NULL OR (f.email, f.contact_id) > ($6::text, $7::uuid)
  ORDER BY f.email, f.contact_id LIMIT $8
)
SELECT (SELECT count(*) FROM filtered) AS total, p.*
FROM (SELECT 1) one LEFT JOIN page p ON true ORDER BY p.email, p.contact_id)SQL";
}

/// `text` as an ILIKE pattern matching it anywhere, its wildcards taken literally.
std::string contains_pattern(const std::string& text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

constexpr const char* kSharedAttachments = R"SQL(
SELECT a.id, a.filename, a.content_type, a.size_bytes FROM attachments a
WHERE a.id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], a.id))SQL";

constexpr const char* kSentValues = R"SQL(
SELECT l.id, d.subject, l.subject AS sent_subject, d.reference, t.name AS tenant_name, v.name AS vendor_name, v.code AS vendor_code,
       coalesce(v.custom_fields, '{}'::jsonb)::text AS custom, l.contact_name, l.email
FROM deliveries l JOIN dispatches d ON d.id = l.dispatch_id JOIN tenants t ON t.id = d.tenant_id
LEFT JOIN vendors v ON v.id = l.vendor_id
WHERE l.vendor_id = $1::uuid AND l.id = ANY($2::uuid[]) AND NOT d.is_test)SQL";

}  // namespace

RecipientPage recipients(db::Tx& tx, const std::string& tenant_id, const Recipients& r, const RecipientFilter& f) {
    std::optional<std::string> condition;
    db::Params params{tenant_id,
                      db::text_array(r.list_ids),
                      db::text_array(r.vendor_ids),
                      r.contact_role,
                      f.search ? std::optional(contains_pattern(*f.search)) : std::nullopt,
                      f.after_email,
                      f.after_id,
                      f.limit};
    if (f.missing_field) {
        condition = recipient_sql::missing_value_condition(*f.missing_field, "r.name", "$9::text");
        if (auto key = custom_key(*f.missing_field)) params.push_back(*key);
    }
    auto rows = tx.exec(recipients_sql(condition), params);
    RecipientPage page;
    for (int i = 0; i < rows.rows(); ++i) {
        page.total = rows.integer(i, "total");
        auto email = rows.opt(i, "email");
        if (!email) continue;
        page.items.push_back({*email, rows.text(i, "contact_id"), rows.opt(i, "contact_name").value_or(""),
                              rows.text(i, "vendor_id"), rows.text(i, "vendor_name"), rows.opt(i, "vendor_code"),
                              rows.opt(i, "role"), rows.boolean(i, "suppressed")});
    }
    return page;
}

std::vector<SharedAttachment> shared_attachments(db::Tx& tx, const std::vector<std::string>& ids) {
    std::vector<SharedAttachment> out;
    if (ids.empty()) return out;
    auto r = tx.exec(kSharedAttachments, {db::text_array(ids)});
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "id"), r.text(i, "filename"), r.text(i, "content_type"), r.integer(i, "size_bytes")});
    return out;
}

std::vector<SentValues> sent_values(db::Tx& tx, const std::string& vendor_id,
                                    const std::vector<std::string>& delivery_ids) {
    std::vector<SentValues> out;
    if (delivery_ids.empty()) return out;
    auto r = tx.exec(kSentValues, {vendor_id, db::text_array(delivery_ids)});
    for (int i = 0; i < r.rows(); ++i) {
        SentValues v;
        v.delivery_id = r.text(i, "id");
        v.subject = r.text(i, "subject");
        v.email = r.text(i, "email");
        v.contact_name = r.opt(i, "contact_name").value_or("");
        v.tenant_name = r.text(i, "tenant_name");
        v.custom_json = r.text(i, "custom");
        v.vendor_name = r.opt(i, "vendor_name");
        v.vendor_code = r.opt(i, "vendor_code");
        v.reference = r.opt(i, "reference");
        v.sent_subject = r.opt(i, "sent_subject");
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace dh::dispatch::dispatch_reader_store
