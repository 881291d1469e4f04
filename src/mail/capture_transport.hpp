#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "mail/transport.hpp"

namespace dh::mail {

/// The default transport when no relay is configured: each message becomes
/// `<dir>/<delivery-id>.eml` holding its raw bytes (CRLF, not dot-stuffed), written atomically
/// (temporary file in the same directory, fsync, rename, fsync of the directory), so a reader
/// never sees half a message and a crash never leaves one behind under the final name.
/// A retry of the same delivery replaces its file. Thread-safe (no shared mutable state).
class CaptureTransport : public Transport {
public:
    /// Creates `dir` (and parents) when missing; throws std::filesystem::filesystem_error if it cannot.
    explicit CaptureTransport(std::filesystem::path dir);

    /// One result per message: `sent` (code 250) once the file is durable; `failed` for an id that
    /// is not a safe file name; `deferred` when the disk refused (full, permissions), to retry later.
    using Transport::send;
    std::vector<DeliveryResult> send(const std::vector<OutgoingMessage>& batch,
                                     const ResultCallback& on_result) override;
    std::string name() const override { return "capture"; }

    const std::filesystem::path& dir() const { return dir_; }
    /// The file a delivery id is captured to.
    std::filesystem::path path_for(const std::string& delivery_id) const { return dir_ / (delivery_id + ".eml"); }

private:
    DeliveryResult write_one(const OutgoingMessage& message) const;

    std::filesystem::path dir_;
};

}  // namespace dh::mail
