#pragma once
// Real SMTP peers for the transport's tests: smtp-sink, aiosmtpd and the scripted peer, each a
// child process on a free port, stopped in the destructor.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mail/smtp_client.hpp"

namespace dh::test::smtp {

/// A peer process; `ready_prefix` is what its output prints once it listens ("READY " + port);
/// empty: the peer prints nothing, wait until `port` accepts connections.
class Peer {
public:
    Peer(std::vector<std::string> args, const std::string& ready_prefix, int port = 0);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    int port() const { return port_; }
    std::string output() const;

private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::string log_;
};

/// A fresh directory under /tmp, removed in the destructor; `chown_to` hands it to a system user.
class TempDir {
public:
    explicit TempDir(const std::string& chown_to = "");
    ~TempDir();
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string tools_dir();
/// Lines of a JSON-lines file (empty when the file does not exist).
std::vector<nlohmann::json> read_jsonl(const std::string& path);

/// The command line of an aiosmtpd peer (tests/tools/aiosmtpd_server.py) that appends every message
/// it accepts to `dir`/mail.jsonl; `extra` adds options (TLS, AUTH, ...).
std::vector<std::string> aiosmtpd(const TempDir& dir, std::vector<std::string> extra = {});
std::string read_text(const std::string& path);
/// Open descriptors of this process.
int open_fds();

/// Options for a transport to 127.0.0.1:port with test-sized timeouts and pauses.
mail::SmtpOptions test_options(const std::string& url, int connections = 4);

/// A personalised message whose body carries `tag` (to find it at the peer).
mail::OutgoingMessage message(const std::string& id, const std::string& rcpt, const std::string& body = "Hello.\r\n");

}  // namespace dh::test::smtp
