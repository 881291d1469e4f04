#include "dispatch/recipient_attachment_store.hpp"

#include "db/arrays.hpp"
#include "db/tx.hpp"

namespace dh::dispatch::recipient_attachment_store {
namespace {

// Without an explicit vendor_code, the code is the file name up to its first '_', '.' or space
// ("V1001_po.pdf", "V1001.pdf", "V1001 order.pdf" are all for vendor V1001).
constexpr const char* kResolve = R"SQL(
SELECT r.n, a.id IS NOT NULL AS found, a.filename, coalesce(a.size_bytes, 0) AS size_bytes, c.code,
       v.id IS NOT NULL AS vendor_exists,
       (SELECT l.vendor_id FROM deliveries l
        WHERE l.dispatch_id = $1::uuid AND l.vendor_id = v.id AND l.status = 'queued' LIMIT 1) AS recipient_vendor_id
FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS r(attachment_id, vendor_code, n)
LEFT JOIN attachments a ON a.id = r.attachment_id
CROSS JOIN LATERAL (SELECT coalesce(r.vendor_code, substring(a.filename FROM '^[^_. ]+')) AS code) c
LEFT JOIN vendors v ON v.code = c.code
ORDER BY r.n)SQL";

constexpr const char* kInsert = R"SQL(
INSERT INTO dispatch_recipient_attachments (tenant_id, dispatch_id, vendor_id, attachment_id)
SELECT $1::uuid, $2::uuid, x.vendor_id, x.attachment_id FROM unnest($3::uuid[], $4::uuid[]) AS x(vendor_id, attachment_id)
ON CONFLICT DO NOTHING)SQL";

constexpr const char* kFilesFor = R"SQL(
SELECT a.filename, a.content_type, a.storage_key
FROM dispatch_recipient_attachments ra JOIN attachments a ON a.id = ra.attachment_id AND a.tenant_id = ra.tenant_id
WHERE ra.dispatch_id = $1::uuid AND ra.vendor_id = $2::uuid ORDER BY a.filename, a.id)SQL";

constexpr const char* kLargest = R"SQL(
SELECT coalesce(max(total), 0) AS bytes FROM (
  SELECT sum(a.size_bytes) AS total FROM dispatch_recipient_attachments ra JOIN attachments a ON a.id = ra.attachment_id
  WHERE ra.dispatch_id = $1::uuid GROUP BY ra.vendor_id) t)SQL";

}  // namespace

std::vector<Resolved> resolve(db::Tx& tx, const std::string& dispatch_id,
                              const std::vector<RecipientAttachment>& items) {
    std::vector<std::string> ids;
    std::vector<std::optional<std::string>> codes;
    for (auto& item : items) {
        ids.push_back(item.attachment_id);
        codes.push_back(item.vendor_code);
    }
    auto r = tx.exec(kResolve, {dispatch_id, db::text_array(ids), db::text_array(codes)});
    std::vector<Resolved> out;
    for (int i = 0; i < r.rows(); ++i) {
        Resolved x;
        x.attachment_found = r.boolean(i, "found");
        x.filename = r.opt(i, "filename").value_or("");
        x.size_bytes = r.integer(i, "size_bytes");
        x.vendor_code = r.opt(i, "code");
        x.vendor_exists = r.boolean(i, "vendor_exists");
        x.recipient_vendor_id = r.opt(i, "recipient_vendor_id");
        out.push_back(std::move(x));
    }
    return out;
}

void insert(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id,
            const std::vector<std::string>& vendor_ids, const std::vector<std::string>& attachment_ids) {
    tx.exec(kInsert, {tenant_id, dispatch_id, db::text_array(vendor_ids), db::text_array(attachment_ids)});
}

std::vector<StoredFile> files_for(db::Tx& tx, const std::string& dispatch_id, const std::string& vendor_id) {
    auto r = tx.exec(kFilesFor, {dispatch_id, vendor_id});
    std::vector<StoredFile> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.text(i, "filename"), r.text(i, "content_type"), r.text(i, "storage_key")});
    return out;
}

long long largest_per_vendor_bytes(db::Tx& tx, const std::string& dispatch_id) {
    return tx.exec(kLargest, {dispatch_id}).integer(0, "bytes");
}

}  // namespace dh::dispatch::recipient_attachment_store
