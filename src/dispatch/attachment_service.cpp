#include "dispatch/attachment_service.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "common/error.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"
#include "db/tx.hpp"
#include "mail/header_values.hpp"

namespace fs = std::filesystem;

namespace dh::dispatch {
namespace {

constexpr const char* kInsert = R"SQL(
INSERT INTO attachments (id, tenant_id, filename, content_type, size_bytes, sha256, storage_key, created_by)
VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8::uuid)
RETURNING to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at)SQL";
constexpr const char* kGet = R"SQL(
SELECT id, filename, content_type, size_bytes, sha256,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at
FROM attachments WHERE id = $1::uuid)SQL";

std::pair<std::string, std::string> hash_and_head(const std::string& path, long long& size) {
    std::ifstream in(path, std::ios::binary);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> owned(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_MD_CTX* ctx = owned.get();  // freed on every path, a throwing read included
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::string head;
    char buf[65536];
    size = 0;
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        auto n = in.gcount();
        if (head.size() < 512)
            head.append(buf, std::min<std::streamsize>(n, 512 - static_cast<std::streamsize>(head.size())));
        EVP_DigestUpdate(ctx, buf, static_cast<size_t>(n));
        size += n;
    }
    unsigned char digest[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, digest, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 15]);
    }
    return {out, head};
}

}  // namespace

std::string sniff_content_type(const std::string& head, const std::string& filename) {
    auto starts = [&](std::string_view magic) { return head.compare(0, magic.size(), magic) == 0; };
    if (starts("%PDF-")) return "application/pdf";
    if (starts("\x89PNG\r\n\x1a\n")) return "image/png";
    if (starts("\xff\xd8\xff")) return "image/jpeg";
    if (starts("GIF87a") || starts("GIF89a")) return "image/gif";
    auto ext = strings::to_lower(fs::path(filename).extension().string());
    if (starts("PK\x03\x04")) {
        if (ext == ".xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (ext == ".docx") return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        return "application/zip";
    }
    bool text = strings::is_valid_utf8(head) && head.find('\0') == std::string::npos;
    if (text && ext == ".csv") return "text/csv";
    if (text) return "text/plain";
    return "application/octet-stream";
}

AttachmentInfo AttachmentService::store(const auth::Principal& caller, const std::string& filename,
                                        const std::string& spooled_path) {
    mail::check_file_name("filename", filename);
    if (filename.find('/') != std::string::npos)
        throw Error::invalid_field("filename", "must be a file name without /");
    if (spooled_path.empty()) throw Error::invalid_field("body", "the file is empty");
    AttachmentInfo info;
    auto [sha, head] = hash_and_head(spooled_path, info.size_bytes);
    if (info.size_bytes == 0) throw Error::invalid_field("body", "the file is empty");
    info.id = random::uuid();
    info.filename = filename;
    info.sha256 = sha;
    info.content_type = sniff_content_type(head, filename);
    const std::string key = *caller.tenant_id + "/" + info.id;
    files::StagedFiles staged(files_);  // the file takes its key only once its row is committed
    staged.move(key, spooled_path);
    std::optional<std::string> by;
    if (caller.kind == auth::Principal::Kind::user) by = caller.id;
    info.created_at = db::with_tx(pool_, db::Scope::tenant(*caller.tenant_id), [&](db::Tx& tx) {
        return tx
            .exec(kInsert, {info.id, *caller.tenant_id, filename, info.content_type, info.size_bytes, sha, key, by})
            .text(0, "created_at");
    });
    staged.publish();
    return info;
}

std::optional<AttachmentInfo> AttachmentService::get(const std::string& tenant_id, const std::string& id) {
    if (!strings::is_uuid(id)) return std::nullopt;
    return db::with_tx(pool_, db::Scope::tenant(tenant_id), [&](db::Tx& tx) -> std::optional<AttachmentInfo> {
        auto r = tx.exec(kGet, {id});
        if (r.empty()) return std::nullopt;
        return AttachmentInfo{r.text(0, "id"),     r.text(0, "filename"),   r.text(0, "content_type"),
                              r.text(0, "sha256"), r.text(0, "created_at"), r.integer(0, "size_bytes")};
    });
}

}  // namespace dh::dispatch
