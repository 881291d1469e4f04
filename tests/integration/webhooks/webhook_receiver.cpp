#include "webhooks/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "common/strings.hpp"
#include "webhooks/signing.hpp"

namespace dh::test {
namespace {

/// Reads one request: headers, then Content-Length bytes of body. Empty on a broken request.
bool read_request(int fd, ReceivedHook& out) {
    std::string data;
    char buf[4096];
    std::size_t header_end = std::string::npos;
    std::size_t length = 0;
    while (true) {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0) return false;
        auto n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return false;
        data.append(buf, static_cast<std::size_t>(n));
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
            for (auto& line : strings::split(data.substr(0, header_end), '\n')) {
                auto colon = line.find(':');
                if (colon == std::string::npos) continue;
                out.headers[strings::to_lower(strings::trim(line.substr(0, colon)))] =
                    strings::trim(line.substr(colon + 1));
            }
            length = std::stoul(out.header("content-length").empty() ? "0" : out.header("content-length"));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + length) {
            out.body = data.substr(header_end + 4, length);
            return true;
        }
    }
}

}  // namespace

std::string ReceivedHook::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

bool ReceivedHook::signed_with(const std::string& secret) const {
    auto timestamp = header("dispatchhub-timestamp");
    if (timestamp.empty()) return false;
    return webhooks::signing::verify(secret, std::stoll(timestamp), body, header("dispatchhub-signature"));
}

WebhookReceiver::WebhookReceiver() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener_, 64) != 0)
        throw std::runtime_error("webhook receiver: cannot listen");
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
    stopping_ = true;
    thread_.join();
    close(listener_);
}

std::string WebhookReceiver::url(const std::string& host) const {
    return "http://" + host + ":" + std::to_string(port_) + "/hooks/dispatchhub";
}

void WebhookReceiver::answer_with(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_.assign(statuses.begin(), statuses.end());
}

void WebhookReceiver::always_answer(int status) {
    std::lock_guard lock(mutex_);
    always_ = status;
}

std::vector<ReceivedHook> WebhookReceiver::received() const {
    std::lock_guard lock(mutex_);
    return received_;
}

bool WebhookReceiver::wait_for(const std::function<bool(const std::vector<ReceivedHook>&)>& done, int seconds) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(seconds), [&] { return done(received_); });
}

void WebhookReceiver::serve() {
    while (!stopping_) {
        pollfd p{listener_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        int fd = accept(listener_, nullptr, nullptr);
        if (fd < 0) continue;
        handle(fd);
        close(fd);
    }
}

int WebhookReceiver::next_status() {
    if (statuses_.empty()) return always_;
    int s = statuses_.front();
    statuses_.pop_front();
    return s;
}

void WebhookReceiver::handle(int fd) {
    ReceivedHook hook;
    if (!read_request(fd, hook)) return;
    int status = 0;
    {
        std::lock_guard lock(mutex_);
        status = next_status();
        received_.push_back(std::move(hook));
    }
    changed_.notify_all();
    std::string reply =
        "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
}

}  // namespace dh::test
