#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dispatch/dispatch.hpp"

namespace dh::db {
class Tx;
}

/// Reads for people looking at a dispatch: who a request resolves to (searched and paged), the files
/// a dispatch carries, and what each sent message looked like. Tenant rows under RLS.
namespace dh::dispatch::dispatch_reader_store {

struct ResolvedRecipient {
    std::string email, contact_id, contact_name, vendor_id, vendor_name;
    std::optional<std::string> vendor_code, role;
    bool suppressed = false;
};

/// Which recipients a page shows, after (email, contact_id) of the previous page's last row.
struct RecipientFilter {
    std::optional<std::string> search;         ///< any part of vendor name or code, contact name, role, address
    std::optional<std::string> missing_field;  ///< a per-recipient merge field: only those to be mailed without it
    int limit = 50;
    std::optional<std::string> after_email, after_id;
};

struct RecipientPage {
    std::vector<ResolvedRecipient> items;
    long long total = 0;  ///< recipients matching the filter, over every page
};

/// The recipients `r` resolves to, by address: the same rule as the fan-out (recipient_sql).
RecipientPage recipients(db::Tx& tx, const std::string& tenant_id, const Recipients& r, const RecipientFilter& f);

struct SharedAttachment {
    std::string id, filename, content_type;
    long long size_bytes = 0;
};
/// The dispatch's shared files, in the order of `ids`.
std::vector<SharedAttachment> shared_attachments(db::Tx& tx, const std::vector<std::string>& ids);

/// What the sender merged into one delivery's message.
struct SentValues {
    std::string delivery_id, subject, email, contact_name, tenant_name, custom_json;
    std::optional<std::string> vendor_name, vendor_code, reference;
    std::optional<std::string> sent_subject;  ///< the subject the message carried, when it was kept
};
/// Of the deliveries `delivery_ids`, those to vendor `vendor_id` (tests excluded: they are no history).
std::vector<SentValues> sent_values(db::Tx& tx, const std::string& vendor_id,
                                    const std::vector<std::string>& delivery_ids);

}  // namespace dh::dispatch::dispatch_reader_store
