#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dispatch/dispatch.hpp"

namespace dh::db {
class Tx;
}

/// SQL of per-recipient attachments: files matched to the vendors of one dispatch.
namespace dh::dispatch::recipient_attachment_store {

/// One requested item resolved: the attachment (if it exists for this tenant), the vendor code it
/// is for (given, or taken from the file name) and that vendor among the dispatch's recipients.
struct Resolved {
    bool attachment_found = false;
    std::string filename;
    long long size_bytes = 0;
    std::optional<std::string> vendor_code;
    bool vendor_exists = false;
    std::optional<std::string> recipient_vendor_id;  ///< set when the vendor has a queued delivery
};

/// In request order. Runs after the fan-out, so "recipient" means a queued delivery of the dispatch.
std::vector<Resolved> resolve(db::Tx& tx, const std::string& dispatch_id,
                              const std::vector<RecipientAttachment>& items);

void insert(db::Tx& tx, const std::string& tenant_id, const std::string& dispatch_id,
            const std::vector<std::string>& vendor_ids, const std::vector<std::string>& attachment_ids);

struct StoredFile {
    std::string filename, content_type, storage_key;  ///< storage_key: relative to DATA_DIR/attachments
};
/// The files of one vendor of the dispatch, by file name.
std::vector<StoredFile> files_for(db::Tx& tx, const std::string& dispatch_id, const std::string& vendor_id);

/// The largest total size of per-recipient attachments any one vendor of the dispatch gets.
long long largest_per_vendor_bytes(db::Tx& tx, const std::string& dispatch_id);

}  // namespace dh::dispatch::recipient_attachment_store
