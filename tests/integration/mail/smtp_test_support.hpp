#pragma once
// Shared by the inbound SMTP server tests: a recording handler, the server on its own thread,
// a raw socket client and a way to run external clients (swaks, Python's smtplib).
#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mail/smtp_server.hpp"

namespace dh::test {

struct StoredMessage {
    mail::InboundEnvelope env;
    std::string raw;
};

/// Routes *@in.example; records what it stores; can be made slow or failing.
class RecordingHandler : public mail::InboundHandler {
public:
    mail::RcptVerdict check_recipient(const std::string& rcpt) override;
    mail::StoreVerdict store(const mail::InboundEnvelope& env, std::string_view raw) override;
    std::vector<StoredMessage> stored() const;

    std::atomic<int> delay_ms{0};
    std::atomic<bool> fail{false};
    std::atomic<int> store_calls{0};
    std::atomic<int> store_returns{0};

private:
    mutable std::mutex mutex_;
    std::vector<StoredMessage> stored_;
};

/// An SmtpServer bound to 127.0.0.1:0 with its own I/O thread and handler pool.
class RunningServer {
public:
    RunningServer(RecordingHandler& handler, mail::SmtpServer::Options options);
    ~RunningServer();
    int port() const { return port_; }
    /// Graceful shutdown; returns when the server reported done.
    void stop();

private:
    boost::asio::io_context ioc_;
    boost::asio::thread_pool pool_{2};
    mail::SmtpServer server_;
    std::thread thread_;
    int port_ = 0;
    bool stopped_ = false;
};

mail::SmtpServer::Options test_options();

/// A blocking SMTP client over a plain socket: exact bytes in, replies out.
class RawClient {
public:
    explicit RawClient(int port);
    ~RawClient();
    void send(const std::string& bytes);
    /// One complete (possibly multi-line) reply, or "" on timeout/EOF.
    std::string reply(int timeout_ms = 10000);
    /// True when the server closes the connection within the timeout (data read meanwhile is dropped).
    bool closed_by_peer(int timeout_ms = 5000);

private:
    bool fill(int timeout_ms);
    int fd_ = -1;
    std::string buffer_;
};

/// Runs a shell command; returns its exit code and output (stdout + stderr).
std::pair<int, std::string> run_shell(const std::string& command);
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& content);

}  // namespace dh::test
