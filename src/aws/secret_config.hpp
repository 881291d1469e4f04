#pragma once
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/config.hpp"

/// Configuration from AWS Secrets Manager: the *_SECRET_ARN variables become the values Config::load
/// expects, fetched once at start (and the database secret again after an authentication failure).
namespace dh::aws {

class SecretsManager;

/// Resolves, through Secrets Manager, before Config::load:
///  * DATABASE_SECRET_ARN: an RDS-style JSON secret {username, password, host, port, dbname} -> DATABASE_URL
///  * JWT_SECRET_SECRET_ARN -> JWT_SECRET (the SecretString, or its "JWT_SECRET" member when it is JSON)
///  * SMTP_URL_SECRET_ARN -> SMTP_URL: a full URL (plain, or an "SMTP_URL" member), or JSON
///    {username, password} merged into the credential-less SMTP_URL of the environment
/// Returns `env` itself when no *_SECRET_ARN is set (no AWS call at all). Throws ConfigError naming
/// the variable (never a secret value) when a secret cannot be fetched or does not fit, or when a
/// variable is given both directly and through an ARN.
EnvLookup resolve_aws_secrets(const EnvLookup& env);

/// Same, with an explicit client (tests).
EnvLookup resolve_aws_secrets(const EnvLookup& env, SecretsManager& secrets);

/// postgresql://user:password@host:port/dbname from an RDS-style secret (each part percent-encoded;
/// libpq's PGSSLMODE/PGSSLROOTCERT still apply). Throws ConfigError without echoing the secret.
std::string database_url_from_secret(const std::string& secret_string);

/// `smtp_url` with the user and password of a JSON {username, password} secret inserted.
std::string smtp_url_with_credentials(const std::string& smtp_url, const std::string& secret_string);

/// True when a database error means the password was refused (e.g. the secret was rotated).
bool is_database_auth_failure(const std::exception& error);

/// "Auth error -> refetch once" for DATABASE_SECRET_ARN. The database layer keeps one of these and,
/// when opening a connection fails with an authentication error, asks for the current URL and
/// retries once with it. Concurrent failures share one fetch (at most one per `min_interval`).
class DatabaseSecretRefresher {
public:
    /// `env` is the original environment (the one holding DATABASE_SECRET_ARN). Disabled without it.
    DatabaseSecretRefresher(const EnvLookup& env, std::chrono::seconds min_interval = std::chrono::seconds(10));
    DatabaseSecretRefresher(const EnvLookup& env, std::shared_ptr<SecretsManager> secrets,
                            std::chrono::seconds min_interval = std::chrono::seconds(10));
    bool enabled() const { return !arn_.empty(); }

    /// The database URL from a fresh read of the secret (or from a read less than `min_interval`
    /// ago); nullopt when disabled or the fetch failed (logged without values).
    std::optional<std::string> current_url();

    /// Runs `attempt(url)`. When it throws an authentication failure, fetches the secret again and,
    /// if that gives a different URL, runs `attempt(new_url)` once. Returns the URL that worked;
    /// rethrows the attempt's error otherwise.
    std::string with_refetch(const std::string& url, const std::function<void(const std::string&)>& attempt);

private:
    std::string arn_;
    std::shared_ptr<SecretsManager> secrets_;
    std::chrono::seconds min_interval_;
    std::mutex mutex_;
    std::optional<std::string> last_url_;
    std::chrono::steady_clock::time_point last_fetch_{};
};

}  // namespace dh::aws
