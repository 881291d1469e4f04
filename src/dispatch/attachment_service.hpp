#pragma once
#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "files/attachment_files.hpp"

namespace dh::db {
class Pool;
}

namespace dh::dispatch {

struct AttachmentInfo {
    std::string id, filename, content_type, sha256, created_at;
    long long size_bytes = 0;
};

/// Uploaded files for dispatches, stored under DATA_DIR/attachments/<tenant>/<id> (the storage key
/// is relative, so an object store can replace the directory later), staged until their row is
/// committed (files::AttachmentFiles).
class AttachmentService {
public:
    static constexpr long long kMaxFileBytes = 10LL * 1024 * 1024;
    AttachmentService(db::Pool& pool, const std::string& data_dir) : pool_(pool), files_(data_dir) {}
    /// Moves the spooled upload into storage. The content type is sniffed from the bytes, not trusted.
    AttachmentInfo store(const auth::Principal& caller, const std::string& filename, const std::string& spooled_path);
    std::optional<AttachmentInfo> get(const std::string& tenant_id, const std::string& id);

private:
    db::Pool& pool_;
    files::AttachmentFiles files_;
};

/// Content type from magic bytes (PDF, PNG, JPEG, GIF, ZIP/Office, plain text), else by extension.
std::string sniff_content_type(const std::string& head, const std::string& filename);

}  // namespace dh::dispatch
