#pragma once
#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "app/config.hpp"

namespace dh::test {

/// tests/tools/fake_aws.py in a child process: IMDSv2, Secrets Manager and SES v2 on 127.0.0.1,
/// checking each request's SigV4 signature independently of the C++ signer.
class FakeAws {
public:
    /// `config`: {"region", "credentials": {key: {"secret", "token"}}, "secrets": {id: value},
    /// "imds": {"role", "expiry_seconds"}}; "ses_dir" is added.
    explicit FakeAws(nlohmann::json config);
    ~FakeAws();
    FakeAws(const FakeAws&) = delete;
    FakeAws& operator=(const FakeAws&) = delete;

    const std::string& url() const { return url_; }
    const std::string& ses_dir() const { return ses_dir_; }
    /// Every request received, in order (see fake_aws.py for the fields).
    nlohmann::json requests() const;
    /// Requests of one API ("GetSecretValue", "SendEmail") or path prefix ("/latest/").
    nlohmann::json requests_of(const std::string& what) const;
    void put_secrets(const nlohmann::json& secrets) const;

private:
    std::string dir_;
    std::string ses_dir_;
    std::string url_;
    pid_t pid_ = -1;
};

/// An EnvLookup over a fixed map (the process environment is never consulted).
EnvLookup env_of(std::map<std::string, std::string> vars);

std::string tools_dir();

}  // namespace dh::test
