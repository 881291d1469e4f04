#pragma once
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "harness/cluster.hpp"
#include "harness/net.hpp"

namespace dh::test {

using Env = std::map<std::string, std::string>;

struct CommandResult {
    int exit_code;
    std::string output;  ///< stdout and stderr together
};

/// Runs build/dispatchhub with `args` and exactly `env` (plus PATH); waits up to `timeout_s`.
CommandResult run_binary(const std::vector<std::string>& args, const Env& env, int timeout_s = 60);

/// A real `dispatchhub serve` process on a free port against its own fresh database.
class TestServer {
public:
    /// `extra` overrides or adds environment variables (e.g. {"SMTP_URL", ...}).
    explicit TestServer(Env extra = {});
    ~TestServer();

    HttpClient client() const { return HttpClient(base_); }
    const std::string& base() const { return base_; }
    const std::string& data_dir() const { return data_dir_; }
    const std::string& jwt_secret() const { return secret_; }
    const TestDatabase& database() const { return *db_; }
    /// The environment the server runs with (to run `admin` commands against the same database).
    const Env& env() const { return env_; }
    int smtp_port() const { return smtp_port_; }
    std::string log() const;
    /// Sends `signal` and waits for exit; returns the exit status (or -1 after the timeout).
    int stop(int signal = 15, int timeout_s = 20);
    pid_t pid() const { return pid_; }

private:
    bool wait_until_ready();
    std::unique_ptr<TestDatabase> db_;
    std::string secret_;
    std::string data_dir_;
    std::string base_;
    Env env_;
    int smtp_port_ = 0;
    pid_t pid_ = -1;
    pid_t last_pid_ = -1;  ///< a serve that ended during start, and how
    std::string exit_;
};

/// The value of a counter without labels on the server's GET /metrics (-1 when absent).
long metric(const TestServer& server, const std::string& name);

/// Starts a process with `env`, stdout+stderr to `log_path`; returns its pid.
pid_t spawn(const std::vector<std::string>& args, const Env& env, const std::string& log_path);

/// Waits until child `pid` has exited, at most `timeout`: its exit code (128 + the signal when a
/// signal ended it), or -1 when it still runs (it is not killed).
int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace dh::test
