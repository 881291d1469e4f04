#include "mail/capture_transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/random.hpp"

namespace dh::mail {
namespace {

/// The id becomes a file name: no separators, no "..", no hidden files.
bool is_safe_id(const std::string& id) {
    if (id.empty() || id.size() > 200 || id.front() == '.') return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  c == '.';
        if (!ok) return false;
    }
    return true;
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void fsync_dir(const std::filesystem::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);  // best effort: the rename is already visible; this makes it survive a power loss
    ::close(fd);
}

DeliveryResult result(const std::string& id, Outcome outcome, int code, std::string reply, std::string reason) {
    DeliveryResult r;
    r.id = id;
    r.outcome = outcome;
    r.smtp_code = code;
    r.reply = std::move(reply);
    r.reason = std::move(reason);
    return r;
}

}  // namespace

CaptureTransport::CaptureTransport(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
}

std::vector<DeliveryResult> CaptureTransport::send(const std::vector<OutgoingMessage>& batch,
                                                   const ResultCallback& on_result) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);  // recreated if someone removed it meanwhile
    std::vector<DeliveryResult> out;
    out.reserve(batch.size());
    for (const auto& m : batch) {
        out.push_back(write_one(m));
        if (on_result) on_result(out.back());
    }
    return out;
}

DeliveryResult CaptureTransport::write_one(const OutgoingMessage& m) const {
    if (!is_safe_id(m.id)) {
        return result(m.id, Outcome::failed, 0, "", "the delivery id cannot be used as a file name");
    }
    // Hidden and without the .eml suffix, so readers of *.eml never see a partial file.
    auto tmp = dir_ / ("." + m.id + "." + random::hex(8) + ".tmp");
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        errno = 0;
        if (!write_all(fd, m.data) || ::fsync(fd) != 0) err = errno ? errno : EIO;
        if (::close(fd) != 0 && err == 0) err = errno;
        if (err == 0 && ::rename(tmp.c_str(), path_for(m.id).c_str()) != 0) err = errno;
        if (err != 0) ::unlink(tmp.c_str());
    }
    if (err != 0) {
        return result(m.id, Outcome::deferred, 0, "",
                      std::string("the message could not be written to the capture directory: ") + std::strerror(err));
    }
    fsync_dir(dir_);
    return result(m.id, Outcome::sent, 250, "250 captured", "");
}

}  // namespace dh::mail
