#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "aws/sigv4.hpp"

namespace dh::aws {

using Clock = std::function<std::chrono::system_clock::time_point()>;

/// Parses the JSON of GET /latest/meta-data/iam/security-credentials/<role>; throws AwsError
/// ("CredentialsUnavailable") when Code is not "Success" or a field is missing.
Credentials parse_instance_credentials(const std::string& json);
/// "2024-05-01T12:00:00Z" (also with fractional seconds); throws std::invalid_argument.
std::chrono::system_clock::time_point parse_iso8601_utc(const std::string& text);

/// AWS credentials for signing: from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
/// optional AWS_SESSION_TOKEN) or else the EC2 instance role through IMDSv2 (a session token from
/// PUT /latest/api/token, then the role's temporary credentials), refreshed before they expire.
/// Thread-safe.
class CredentialsProvider {
public:
    struct Options {
        std::string imds_endpoint = "http://169.254.169.254";  ///< AWS_EC2_METADATA_ENDPOINT
        bool imds_enabled = true;                              ///< AWS_EC2_METADATA_DISABLED=true turns it off
        std::chrono::seconds refresh_before{300};              ///< fetch new role credentials this long before expiry
        std::chrono::milliseconds imds_timeout{2000};
        Clock clock;  ///< empty: the system clock
    };

    /// Fixed credentials (environment); never refreshed.
    explicit CredentialsProvider(Credentials fixed);
    /// Instance-role credentials through IMDSv2.
    explicit CredentialsProvider(Options options);

    /// Environment credentials when both key variables are set, otherwise the instance role.
    static std::shared_ptr<CredentialsProvider> from_env(const EnvLookup& env);

    /// Valid credentials; fetches or refreshes role credentials when needed. Throws AwsError
    /// ("CredentialsUnavailable") when none can be had.
    Credentials get();
    /// Forgets cached role credentials (after AWS said they are expired or invalid).
    void invalidate();
    /// "environment" or "instance-role": for logs (never the key itself).
    std::string source() const;
    std::chrono::system_clock::time_point now() const;

private:
    Credentials fetch_from_imds();
    bool fresh(const Credentials& c) const;

    Options options_;
    bool fixed_ = false;
    mutable std::mutex mutex_;
    std::optional<Credentials> cached_;
};

}  // namespace dh::aws
