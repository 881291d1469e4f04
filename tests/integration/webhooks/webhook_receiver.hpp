#pragma once
// An HTTP endpoint for webhook tests: a real socket on 127.0.0.1, in this process. It records
// every request and answers with the statuses it was told to (then 200).
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace dh::test {

struct ReceivedHook {
    std::map<std::string, std::string> headers;  ///< lower-case names
    std::string body;
    std::string header(const std::string& name) const;
    nlohmann::json json() const { return nlohmann::json::parse(body); }
    /// Whether the signature header is that of the timestamp header and the body under `secret`.
    bool signed_with(const std::string& secret) const;
};

class WebhookReceiver {
public:
    WebhookReceiver();
    ~WebhookReceiver();
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& host = "127.0.0.1") const;
    /// The next requests get these statuses, in order; after them 200 (or `always`).
    void answer_with(std::vector<int> statuses);
    void always_answer(int status);
    std::vector<ReceivedHook> received() const;
    /// Waits up to `seconds` for `done(received())`; returns whether it came true.
    bool wait_for(const std::function<bool(const std::vector<ReceivedHook>&)>& done, int seconds = 60) const;

private:
    void serve();
    void handle(int fd);
    int next_status();

    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::deque<int> statuses_;
    int always_ = 200;
    std::vector<ReceivedHook> received_;
    std::thread thread_;
};

}  // namespace dh::test
