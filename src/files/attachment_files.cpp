#include "files/attachment_files.hpp"

#include <filesystem>
#include <fstream>

#include "common/log.hpp"

namespace fs = std::filesystem;

namespace dh::files {
namespace {

constexpr std::string_view kStaged = ".part";

std::string staged(const std::string& path) {
    return path + std::string(kStaged);
}

}  // namespace

AttachmentFiles::AttachmentFiles(std::string data_dir)
    : root_(data_dir + "/attachments"), orphans_(data_dir + "/orphaned-attachments") {}

std::string AttachmentFiles::path(const std::string& key) const {
    return root_ + "/" + key;
}

void AttachmentFiles::stage_move(const std::string& key, const std::string& from) const {
    auto to = path(key);
    fs::create_directories(fs::path(to).parent_path());
    fs::rename(from, staged(to));
}

void AttachmentFiles::stage_write(const std::string& key, std::string_view bytes) const {
    auto to = path(key);
    fs::create_directories(fs::path(to).parent_path());
    std::ofstream f(staged(to), std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) throw std::runtime_error("cannot write the attachment " + key);
}

void AttachmentFiles::publish(const std::string& key) const {
    auto to = path(key);
    fs::rename(staged(to), to);
}

void AttachmentFiles::discard(const std::string& key) const noexcept {
    std::error_code ec;
    fs::remove(staged(path(key)), ec);
}

bool AttachmentFiles::set_aside(const std::string& key) const noexcept {
    std::error_code ec;
    auto to = fs::path(orphans_) / key;
    fs::create_directories(to.parent_path(), ec);
    if (ec) return false;
    fs::rename(path(key), to, ec);
    return !ec;
}

std::vector<std::string> AttachmentFiles::tenant_dirs() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec)) out.push_back(it->path().filename().string());
    return out;
}

AttachmentFiles::Listing AttachmentFiles::list(const std::string& tenant) const {
    Listing out;
    std::error_code ec;
    for (fs::directory_iterator it(root_ + "/" + tenant, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        auto name = it->path().filename().string();
        if (name.size() > kStaged.size() && name.ends_with(kStaged))
            out.staged.push_back(tenant + "/" + name.substr(0, name.size() - kStaged.size()));
        else
            out.published.push_back(tenant + "/" + name);
    }
    return out;
}

StagedFiles::~StagedFiles() {
    if (published_) return;
    for (auto& key : keys_) files_.discard(key);
}

void StagedFiles::move(const std::string& key, const std::string& from) {
    keys_.push_back(key);  // first: a failed move leaves nothing, and discarding nothing is harmless
    files_.stage_move(key, from);
}

void StagedFiles::write(const std::string& key, std::string_view bytes) {
    keys_.push_back(key);
    files_.stage_write(key, bytes);
}

void StagedFiles::publish() {
    published_ = true;
    for (auto& key : keys_) {
        try {
            files_.publish(key);
        } catch (const std::exception& e) {
            // The row is committed: the sweep at the next start publishes the staged file.
            log::error("could not publish an attachment", {{"key", key}, {"error", e.what()}});
        }
    }
}

}  // namespace dh::files
