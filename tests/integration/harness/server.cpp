#include "harness/server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/random.hpp"
#include "harness/wait.hpp"

namespace fs = std::filesystem;

namespace dh::test {

pid_t spawn(const std::vector<std::string>& args, const Env& env, const std::string& log_path) {
    std::vector<std::string> env_strings;
    for (auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    if (!env.count("PATH"))
        env_strings.push_back(std::string("PATH=") + (getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"));
    // Under the sanitizer build, the servers and commands started here report to where the run
    // collects reports: a report from a process no test waits on must still fail the run.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (!env.count(name) && getenv(name)) env_strings.push_back(std::string(name) + "=" + getenv(name));
    pid_t pid = fork();
    if (pid == 0) {
        int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// How a process ended, from waitpid's status: "status N" or "signal N".
std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

/// The sanitizer report `pid` wrote, if any: under the sanitizer build, ASAN_OPTIONS and
/// UBSAN_OPTIONS name a log_path prefix and each process writes `<prefix>.<pid>`.
std::string sanitizer_report(pid_t pid) {
    std::string reports;
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS"}) {
        const char* options = getenv(name);
        if (!options) continue;
        std::string o = options;
        auto at = o.find("log_path=");
        if (at == std::string::npos) continue;
        auto end = o.find(':', at);
        auto prefix = o.substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9);
        auto path = prefix + "." + std::to_string(pid);
        if (fs::exists(path)) reports += "\n" + std::string(name) + " report " + path + ":\n" + read_file(path);
    }
    return reports;
}

}  // namespace

int wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
    int code = -1;
    wait_until(
        [&] {
            int status = 0;
            if (waitpid(pid, &status, WNOHANG) != pid) return false;
            code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return true;
        },
        timeout, std::chrono::milliseconds(20));
    return code;
}

CommandResult run_binary(const std::vector<std::string>& args, const Env& env, int timeout_s) {
    std::string log = "/tmp/dh-cmd-" + random::hex(6) + ".log";
    std::vector<std::string> argv = {DH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = spawn(argv, env, log);
    int code = wait_for_exit(pid, std::chrono::seconds(timeout_s));
    if (code == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
    CommandResult r{code, read_file(log)};
    fs::remove(log);
    return r;
}

TestServer::TestServer(Env extra) : db_(std::make_unique<TestDatabase>("srv", Schema::migrated)) {
    secret_ = random::hex(32);
    data_dir_ = "/tmp/dh-test-data-" + random::hex(6);
    fs::create_directories(data_dir_);
    // free_port() only finds a port free at that moment: a test running in parallel may take it
    // before serve binds it. Such a start is retried on new ports.
    for (int attempt = 1;; ++attempt) {
        int port = free_port();
        smtp_port_ = free_port();
        base_ = "http://127.0.0.1:" + std::to_string(port);
        env_ = {{"JWT_SECRET", secret_},
                {"DATABASE_URL", db_->url()},
                {"DATA_DIR", data_dir_},
                {"HTTP_LISTEN", "127.0.0.1:" + std::to_string(port)},
                {"SMTP_LISTEN", "127.0.0.1:" + std::to_string(smtp_port_)},
                {"LOG_FORMAT", "json"},
                {"COOKIE_SECURE", "1"}};
        for (auto& [k, v] : extra) env_[k] = v;
        pid_ = spawn({DH_BINARY, "serve"}, env_, data_dir_ + "/server.log");
        if (wait_until_ready()) return;
        if (attempt == 3 || log().find("Address already in use") == std::string::npos)
            throw std::runtime_error("serve (pid " + std::to_string(last_pid_) + ") ended during start with " + exit_ +
                                     ": " + log() + sanitizer_report(last_pid_));
    }
}

/// True once /readyz answers 200; false when serve exited; throws after 30 s.
bool TestServer::wait_until_ready() {
    HttpClient http(base_);
    bool ready = false;
    bool decided = wait_until(
        [&] {
            if ((ready = http.get("/readyz").status == 200)) return true;
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
            last_pid_ = pid_;
            exit_ = describe_exit(status);
            pid_ = -1;
            return true;
        },
        std::chrono::seconds(30));
    if (!decided) throw std::runtime_error("serve not ready in 30 s: " + log());
    return ready;
}

TestServer::~TestServer() {
    stop(SIGTERM, 20);
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
}

std::string TestServer::log() const {
    return read_file(data_dir_ + "/server.log");
}

int TestServer::stop(int signal, int timeout_s) {
    if (pid_ <= 0) return 0;
    kill(pid_, signal);
    int code = wait_for_exit(pid_, std::chrono::seconds(timeout_s));
    if (code == -1) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    return code;
}

long metric(const TestServer& server, const std::string& name) {
    std::istringstream lines(HttpClient(server.base()).get("/metrics").body);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(name + " ", 0) == 0) return std::lround(std::stod(line.substr(name.size() + 1)));
    return -1;
}

}  // namespace dh::test
