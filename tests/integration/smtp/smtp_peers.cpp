#include "smtp/smtp_peers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/random.hpp"
#include "harness/server.hpp"
#include "harness/wait.hpp"

namespace fs = std::filesystem;

namespace dh::test::smtp {
namespace {

bool accepts_connections(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

}  // namespace

Peer::Peer(std::vector<std::string> args, const std::string& ready_prefix, int port) : port_(port) {
    log_ = "/tmp/dh-smtp-peer-" + random::hex(6) + ".log";
    Env env = {{"PYTHONUNBUFFERED", "1"}, {"PATH", "/usr/sbin:/usr/bin:/bin"}};
    // A peer must not outlive a test binary killed by a ctest timeout: it dies with its parent.
    args.insert(args.begin(), {"/usr/bin/setpriv", "--pdeathsig", "TERM", "--"});
    pid_ = spawn(args, env, log_);
    auto started = [&] {
        std::string out = output();
        if (ready_prefix.empty() && accepts_connections(port_)) return true;  // a peer that prints nothing
        auto pos = ready_prefix.empty() ? std::string::npos : out.find(ready_prefix);
        if (pos != std::string::npos) {
            if (port_ == 0) port_ = std::stoi(out.substr(pos + ready_prefix.size()));
            return true;
        }
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("SMTP peer exited: " + out);
        }
        return false;
    };
    if (wait_until(started, std::chrono::seconds(20), std::chrono::milliseconds(20))) return;
    throw std::runtime_error("SMTP peer did not start: " + output());
}

Peer::~Peer() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        if (wait_for_exit(pid_, std::chrono::seconds(5)) == -1) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    std::error_code ec;
    fs::remove(log_, ec);
}

std::string Peer::output() const {
    return read_text(log_);
}

TempDir::TempDir(const std::string& chown_to) {
    path_ = "/tmp/dh-smtp-" + random::hex(6);
    fs::create_directories(path_);
    if (!chown_to.empty()) {
        if (passwd* pw = getpwnam(chown_to.c_str())) {
            if (chown(path_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown " + path_);
        }
    }
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string tools_dir() {
    return std::string(DH_SOURCE_DIR) + "/tests/tools";
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
    std::vector<nlohmann::json> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

int open_fds() {
    int n = 0;
    for ([[maybe_unused]] auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

mail::SmtpOptions test_options(const std::string& url, int connections) {
    using namespace std::chrono_literals;
    mail::SmtpOptions o;
    o.url = mail::SmtpUrl::parse(url);
    o.connections = connections;
    o.helo_name = "client.test";
    o.timeouts.connect = 2s;
    o.timeouts.greeting = o.timeouts.command = o.timeouts.mail = o.timeouts.rcpt = 2s;
    o.timeouts.data_init = o.timeouts.data_block = 2s;
    o.timeouts.data_end = 700ms;  // the stalled-after-dot case waits this long
    o.idle_timeout = 2s;
    o.max_pause_wait = 1500ms;
    o.relay_problem_pause = 500ms;
    o.throttle_pause = 200ms;
    o.reconnect_backoff = 200ms;
    o.max_backoff = 2s;
    o.recovery_interval = 100ms;
    return o;
}

mail::OutgoingMessage message(const std::string& id, const std::string& rcpt, const std::string& body) {
    mail::OutgoingMessage m;
    m.id = id;
    m.mail_from = "bounce+" + id + "@dispatch.test";
    m.rcpt_to = rcpt;
    m.data = "From: Acme <orders@acme.test>\r\nTo: <" + rcpt + ">\r\nSubject: Order " + id + "\r\nMessage-ID: <" + id +
             "@dispatch.test>\r\nMIME-Version: 1.0\r\n"
             "Content-Type: text/plain; charset=utf-8\r\n\r\n" +
             body;
    return m;
}

std::vector<std::string> aiosmtpd(const TempDir& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"/usr/bin/python3", tools_dir() + "/aiosmtpd_server.py", "--out",
                                     dir.file("mail.jsonl")};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace dh::test::smtp
