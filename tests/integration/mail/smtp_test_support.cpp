#include "mail/smtp_test_support.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "common/random.hpp"

namespace dh::test {

mail::RcptVerdict RecordingHandler::check_recipient(const std::string& rcpt) {
    static const std::string kDomain = "@in.example";
    if (rcpt.size() > kDomain.size() && rcpt.compare(rcpt.size() - kDomain.size(), kDomain.size(), kDomain) == 0)
        return mail::RcptVerdict::accept();
    return mail::RcptVerdict::refuse(550, "5.1.1 <" + rcpt + ">: Recipient address rejected: not routed here");
}

mail::StoreVerdict RecordingHandler::store(const mail::InboundEnvelope& env, std::string_view raw) {
    ++store_calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
    mail::StoreVerdict verdict = mail::StoreVerdict::fail(451, "4.3.0 Error: storage unavailable");
    if (!fail) {
        std::lock_guard lock(mutex_);
        stored_.push_back({env, std::string(raw)});
        verdict = mail::StoreVerdict::ok("msg" + std::to_string(stored_.size()));
    }
    ++store_returns;
    return verdict;
}

std::vector<StoredMessage> RecordingHandler::stored() const {
    std::lock_guard lock(mutex_);
    return stored_;
}

mail::SmtpServer::Options test_options() {
    mail::SmtpServer::Options o;
    o.port = 0;
    o.hostname = "mx.test.example";
    o.max_message_size = 64 * 1024;
    o.command_timeout = std::chrono::seconds(20);
    o.data_timeout = std::chrono::seconds(20);
    o.drain_timeout = std::chrono::seconds(10);
    return o;
}

RunningServer::RunningServer(RecordingHandler& handler, mail::SmtpServer::Options options)
    : server_(ioc_, pool_, handler, std::move(options)) {
    port_ = server_.listen();
    server_.start();
    thread_ = std::thread([this] { ioc_.run(); });
}

RunningServer::~RunningServer() {
    stop();
}

void RunningServer::stop() {
    if (stopped_) return;
    stopped_ = true;
    std::promise<void> done;
    server_.shutdown([&done] { done.set_value(); });
    done.get_future().wait();
    ioc_.stop();
    thread_.join();
    pool_.join();
}

RawClient::RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
}

RawClient::~RawClient() {
    if (fd_ >= 0) close(fd_);
}

void RawClient::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

bool RawClient::fill(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    std::array<char, 4096> chunk{};
    ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
    if (n <= 0) return false;
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
}

std::string RawClient::reply(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        std::size_t start = 0;
        while (true) {  // a reply ends with a line "NNN text" (a space after the code, not '-')
            auto nl = buffer_.find("\r\n", start);
            if (nl == std::string::npos) break;
            if (nl - start >= 4 && buffer_[start + 3] == ' ') {
                std::string r = buffer_.substr(0, nl + 2);
                buffer_.erase(0, nl + 2);
                return r;
            }
            if (nl - start == 3) {  // "NNN" alone
                std::string r = buffer_.substr(0, nl + 2);
                buffer_.erase(0, nl + 2);
                return r;
            }
            start = nl + 2;
        }
        int left = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count());
        if (left <= 0 || !fill(left)) return {};
    }
}

bool RawClient::closed_by_peer(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        std::array<char, 4096> chunk{};
        ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
        if (n <= 0) return true;
    }
    return false;
}

std::pair<int, std::string> run_shell(const std::string& command) {
    std::string full = "(" + command + ") 2>&1";
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) return {-1, {}};
    std::string out;
    std::array<char, 4096> chunk{};
    std::size_t n = 0;
    while ((n = fread(chunk.data(), 1, chunk.size(), pipe)) > 0) out.append(chunk.data(), n);
    int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string make_temp_dir() {
    std::string dir = "/tmp/dh-smtp-test-" + random::hex(6);
    run_shell("mkdir -p " + dir);
    return dir;
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

}  // namespace dh::test
