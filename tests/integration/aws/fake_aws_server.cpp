#include "aws/fake_aws_server.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/random.hpp"
#include "harness/net.hpp"
#include "harness/server.hpp"
#include "harness/wait.hpp"

namespace fs = std::filesystem;

namespace dh::test {

std::string tools_dir() {
    return (fs::path(DH_SOURCE_DIR) / "tests" / "tools").string();
}

FakeAws::FakeAws(nlohmann::json config) : dir_("/tmp/dh-fake-aws-" + random::hex(6)) {
    ses_dir_ = dir_ + "/ses";
    fs::create_directories(ses_dir_);
    config["ses_dir"] = ses_dir_;
    if (!config.contains("region")) config["region"] = "us-east-1";
    std::ofstream(dir_ + "/config.json") << config.dump();
    std::string port_file = dir_ + "/port";
    pid_ = spawn(
        {"/usr/bin/python3", tools_dir() + "/fake_aws.py", "--config", dir_ + "/config.json", "--port-file", port_file},
        {}, dir_ + "/server.log");
    auto started = [&] {
        if (fs::exists(port_file)) return true;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("fake_aws.py exited during start (see " + dir_ + "/server.log)");
        }
        return false;
    };
    if (!wait_until(started, std::chrono::seconds(15), std::chrono::milliseconds(20)))
        throw std::runtime_error("fake_aws.py did not start in 15 s");
    int port = 0;
    std::ifstream(port_file) >> port;
    url_ = "http://127.0.0.1:" + std::to_string(port);
}

FakeAws::~FakeAws() {
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

nlohmann::json FakeAws::requests() const {
    auto r = HttpClient(url_).get("/_requests");
    if (r.status != 200) throw std::runtime_error("fake_aws.py: /_requests answered " + std::to_string(r.status));
    return r.json();
}

nlohmann::json FakeAws::requests_of(const std::string& what) const {
    auto all = requests();
    nlohmann::json out = nlohmann::json::array();
    for (auto& r : all)
        if (r.value("api", "") == what || r.value("path", "").rfind(what, 0) == 0) out.push_back(r);
    return out;
}

void FakeAws::put_secrets(const nlohmann::json& secrets) const {
    auto r = HttpClient(url_).request("PUT", "/_secrets", secrets.dump(), {{"Content-Type", "application/json"}});
    if (r.status != 204) throw std::runtime_error("fake_aws.py: /_secrets answered " + std::to_string(r.status));
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

}  // namespace dh::test
