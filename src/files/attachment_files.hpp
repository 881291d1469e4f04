#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dh::files {

/// The attachment directory (DATA_DIR/attachments): a file per storage key, `<tenant>/<name>`.
///
/// A file and its database row are written in two steps that cannot be one: the file is staged
/// under `<key>.part`, the row is committed, then the file is published (renamed to `<key>`). A
/// failed transaction discards the staged file, and a crash between the steps leaves a `.part`
/// that the sweep at start-up resolves against the rows: published when its row exists, removed
/// when not. No reader ever sees a file without a row, nor a half-written file.
class AttachmentFiles {
public:
    explicit AttachmentFiles(std::string data_dir);

    /// DATA_DIR/attachments/<key>.
    std::string path(const std::string& key) const;
    /// Moves `from` (on the same file system, e.g. the upload spool) to the staged name.
    void stage_move(const std::string& key, const std::string& from) const;
    /// Writes `bytes` to the staged name.
    void stage_write(const std::string& key, std::string_view bytes) const;
    /// The row is committed: the staged file takes its key.
    void publish(const std::string& key) const;
    /// The row was not committed: the staged file goes. Never throws.
    void discard(const std::string& key) const noexcept;

    /// The tenant directories present (names under DATA_DIR/attachments).
    std::vector<std::string> tenant_dirs() const;
    /// The keys under one tenant's directory: published files and staged ones (with `.part`).
    struct Listing {
        std::vector<std::string> published, staged;
    };
    Listing list(const std::string& tenant) const;
    /// Moves a published file that has no row to DATA_DIR/orphaned-attachments/<key>; false when
    /// it could not. Never throws.
    bool set_aside(const std::string& key) const noexcept;

private:
    std::string root_, orphans_;
};

/// Stages a file for each key until `commit()`: a scope that ends without it discards them all.
class StagedFiles {
public:
    explicit StagedFiles(const AttachmentFiles& files) : files_(files) {}
    ~StagedFiles();
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    void move(const std::string& key, const std::string& from);
    void write(const std::string& key, std::string_view bytes);
    /// Call once the rows are committed: publishes every staged file.
    void publish();

private:
    const AttachmentFiles& files_;
    std::vector<std::string> keys_;
    bool published_ = false;
};

}  // namespace dh::files
