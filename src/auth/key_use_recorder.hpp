#pragma once
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace dh::db {
class Pool;
}

namespace dh::auth {

/// Writes API keys' `last_used_at` off the request path. A request only notes its key's use (a map
/// lookup under a mutex); a thread of its own writes what was noted, all keys in one statement. A key
/// in steady use is noted at most once a minute per process, and the statement writes a time only
/// when the stored one is older than a minute, so a key costs about one write a minute.
///
/// A write that fails (the database away) is logged and dropped: the time is a hint for the
/// operator, and the key's next due use writes it again.
class KeyUseRecorder {
public:
    static constexpr std::chrono::seconds kInterval{60};

    explicit KeyUseRecorder(db::Pool& pool);
    /// Writes what is still noted, then stops the thread.
    ~KeyUseRecorder();
    KeyUseRecorder(const KeyUseRecorder&) = delete;
    KeyUseRecorder& operator=(const KeyUseRecorder&) = delete;

    /// Notes a use of the key; hands it to the writer when this process has not noted it in the
    /// last kInterval.
    void used(const std::string& key_id);

private:
    void run();
    void write(std::vector<std::string> key_ids);

    db::Pool& pool_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::unordered_map<std::string, std::chrono::steady_clock::time_point> noted_;
    std::vector<std::string> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace dh::auth
