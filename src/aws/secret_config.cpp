#include "aws/secret_config.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "aws/secrets_manager.hpp"
#include "aws/sigv4.hpp"
#include "common/backoff.hpp"
#include "common/bounded_json.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "common/strings.hpp"

namespace dh::aws {
namespace {

std::optional<std::string> set(const EnvLookup& env, const std::string& name) {
    auto v = env(name);
    if (v && !strings::trim(*v).empty()) return strings::trim(*v);
    return std::nullopt;
}

/// AWS_SECRETS_RETRY_SECONDS: how long transient errors are tried again at start (default 120, 0: never).
int secrets_retry_seconds(const EnvLookup& env) {
    auto v = set(env, "AWS_SECRETS_RETRY_SECONDS");
    if (!v) return 120;
    if (v->empty() || v->size() > 3 ||
        !std::all_of(v->begin(), v->end(), [](char c) { return c >= '0' && c <= '9'; }) || std::stoi(*v) > 900)
        throw ConfigError("AWS_SECRETS_RETRY_SECONDS: must be a whole number of seconds from 0 to 900");
    return std::stoi(*v);
}

void forbid_both(const EnvLookup& env, const std::string& arn_var, const std::string& var) {
    for (auto& direct : {var, var + "_FILE"})
        if (set(env, direct)) throw ConfigError(arn_var + " and " + direct + " are both set: set only one");
}

/// Whether an error from Secrets Manager (or from the instance metadata service behind the
/// credentials) may pass by itself: throttling, a server error, or no answer yet. Everything else
/// (a missing secret, a refused signature, no permission) needs a change of configuration.
bool transient(const AwsError& e) {
    static const char* const kCodes[] = {"ThrottlingException",   "TooManyRequestsException", "RequestLimitExceeded",
                                         "InternalServiceError",  "ServiceUnavailable",       "TransportError",
                                         "CredentialsUnavailable"};
    if (e.status() == 429 || e.status() >= 500) return true;
    return std::find(std::begin(kCodes), std::end(kCodes), e.code()) != std::end(kCodes);
}

/// Reads a secret, trying again with backoff (1 s doubling to 15 s) while the error is transient,
/// for at most `retry_seconds`: a worker started while AWS throttles or the instance metadata
/// service is not up yet comes up a little later instead of exiting with a configuration error.
std::string fetch(SecretsManager& secrets, const std::string& arn_var, const std::string& arn, int retry_seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(retry_seconds);
    const backoff::Policy policy{1, 15, retry_seconds};
    for (int attempt = 1;; ++attempt) {
        try {
            return secrets.get_secret_value(arn);
        } catch (const AwsError& e) {
            auto delay = std::chrono::seconds(backoff::delay_seconds(policy, attempt, std::nullopt, random::unit()));
            if (!transient(e) || std::chrono::steady_clock::now() + delay > deadline)
                throw ConfigError(arn_var + ": cannot read the secret from AWS Secrets Manager (" + e.what() + ")");
            log::warn("AWS Secrets Manager: reading a secret failed, trying again",
                      {{"variable", arn_var}, {"error", e.code()}, {"retry_in_seconds", delay.count()}});
            std::this_thread::sleep_for(delay);
        }
    }
}

/// The secret's JSON object, or nullopt when the SecretString is not a JSON object.
std::optional<nlohmann::json> json_object(const std::string& secret_string) {
    auto doc = dh::json::parse_or_null(secret_string).value_or(nlohmann::json());
    if (doc.is_object()) return doc;
    return std::nullopt;
}

std::string member(const nlohmann::json& doc, const std::string& var, const char* key) {
    if (!doc.contains(key)) throw ConfigError(var + ": the secret has no \"" + key + "\" field");
    const auto& v = doc[key];
    if (v.is_string() && !v.get<std::string>().empty()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    throw ConfigError(var + ": the secret's \"" + key + "\" field is empty or not a string");
}

/// A plain secret: the SecretString, or its member named after the variable when it is JSON.
std::string plain_value(const std::string& var, const std::string& arn_var, const std::string& secret_string) {
    if (auto doc = json_object(secret_string)) return member(*doc, arn_var, var.c_str());
    return secret_string;
}

std::string smtp_value(const EnvLookup& env, const std::string& secret_string) {
    auto doc = json_object(secret_string);
    if (doc && doc->contains("username")) {
        auto base = set(env, "SMTP_URL");
        if (!base)
            throw ConfigError(
                "SMTP_URL_SECRET_ARN: holds credentials only; set SMTP_URL to the relay (smtp://host:587)");
        return smtp_url_with_credentials(*base, secret_string);
    }
    forbid_both(env, "SMTP_URL_SECRET_ARN", "SMTP_URL");
    return plain_value("SMTP_URL", "SMTP_URL_SECRET_ARN", secret_string);
}

}  // namespace

std::string database_url_from_secret(const std::string& secret_string) {
    const std::string var = "DATABASE_SECRET_ARN";
    auto doc = json_object(secret_string);
    if (!doc) throw ConfigError(var + ": the secret is not JSON (expected {username, password, host, port, dbname})");
    std::string host = member(*doc, var, "host");
    std::string port = doc->contains("port") ? member(*doc, var, "port") : "5432";
    std::string dbname = doc->contains("dbname") ? member(*doc, var, "dbname") : "postgres";
    if (port.find_first_not_of("0123456789") != std::string::npos)
        throw ConfigError(var + ": the secret's port is not a number");
    // A Unix socket directory is percent-encoded whole; an IPv6 address goes in brackets.
    std::string url_host = host.find('/') != std::string::npos   ? uri_encode(host, false)
                           : host.find(':') != std::string::npos ? "[" + host + "]"
                                                                 : host;
    return "postgresql://" + uri_encode(member(*doc, var, "username"), false) + ":" +
           uri_encode(member(*doc, var, "password"), false) + "@" + url_host + ":" + port + "/" +
           uri_encode(dbname, false);
}

std::string smtp_url_with_credentials(const std::string& smtp_url, const std::string& secret_string) {
    auto doc = json_object(secret_string);
    if (!doc) throw ConfigError("SMTP_URL_SECRET_ARN: the secret is not JSON {username, password}");
    auto scheme_end = smtp_url.find("://");
    if (scheme_end == std::string::npos) throw ConfigError("SMTP_URL: must look like smtp://host:587");
    auto authority_end = smtp_url.find_first_of("/?", scheme_end + 3);
    auto authority = smtp_url.substr(
        scheme_end + 3, authority_end == std::string::npos ? std::string::npos : authority_end - scheme_end - 3);
    if (authority.find('@') != std::string::npos)
        throw ConfigError("SMTP_URL: already carries credentials, and SMTP_URL_SECRET_ARN provides them too");
    return smtp_url.substr(0, scheme_end + 3) + uri_encode(member(*doc, "SMTP_URL_SECRET_ARN", "username"), false) +
           ":" + uri_encode(member(*doc, "SMTP_URL_SECRET_ARN", "password"), false) + "@" +
           smtp_url.substr(scheme_end + 3);
}

EnvLookup resolve_aws_secrets(const EnvLookup& env) {
    bool any = false;
    for (auto* var : {"DATABASE_SECRET_ARN", "JWT_SECRET_SECRET_ARN", "SMTP_URL_SECRET_ARN"})
        any = any || set(env, var);
    if (!any) return env;
    SecretsManager secrets(env, CredentialsProvider::from_env(env));
    return resolve_aws_secrets(env, secrets);
}

EnvLookup resolve_aws_secrets(const EnvLookup& env, SecretsManager& secrets) {
    std::map<std::string, std::string> resolved;
    const int retry = secrets_retry_seconds(env);
    if (auto arn = set(env, "DATABASE_SECRET_ARN")) {
        forbid_both(env, "DATABASE_SECRET_ARN", "DATABASE_URL");
        resolved["DATABASE_URL"] = database_url_from_secret(fetch(secrets, "DATABASE_SECRET_ARN", *arn, retry));
    }
    if (auto arn = set(env, "JWT_SECRET_SECRET_ARN")) {
        forbid_both(env, "JWT_SECRET_SECRET_ARN", "JWT_SECRET");
        resolved["JWT_SECRET"] =
            plain_value("JWT_SECRET", "JWT_SECRET_SECRET_ARN", fetch(secrets, "JWT_SECRET_SECRET_ARN", *arn, retry));
    }
    if (auto arn = set(env, "SMTP_URL_SECRET_ARN"))
        resolved["SMTP_URL"] = smtp_value(env, fetch(secrets, "SMTP_URL_SECRET_ARN", *arn, retry));
    if (resolved.empty()) return env;
    return [env, resolved](const std::string& name) -> std::optional<std::string> {
        if (auto it = resolved.find(name); it != resolved.end()) return it->second;
        return env(name);
    };
}

bool is_database_auth_failure(const std::exception& error) {
    std::string text = error.what();
    if (auto* e = dynamic_cast<const Error*>(&error)) text += " " + e->detail();
    // libpq reports the server's FATAL message on connect (SQLSTATE 28P01 / 28000); lc_messages is C.
    return text.find("password authentication failed") != std::string::npos || text.find("28P01") != std::string::npos;
}

DatabaseSecretRefresher::DatabaseSecretRefresher(const EnvLookup& env, std::chrono::seconds min_interval)
    : DatabaseSecretRefresher(env, nullptr, min_interval) {}

DatabaseSecretRefresher::DatabaseSecretRefresher(const EnvLookup& env, std::shared_ptr<SecretsManager> secrets,
                                                 std::chrono::seconds min_interval)
    : arn_(set(env, "DATABASE_SECRET_ARN").value_or("")), secrets_(std::move(secrets)), min_interval_(min_interval) {
    if (enabled() && !secrets_) secrets_ = std::make_shared<SecretsManager>(env, CredentialsProvider::from_env(env));
}

std::optional<std::string> DatabaseSecretRefresher::current_url() {
    if (!enabled()) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (last_url_ && now - last_fetch_ < min_interval_) return last_url_;
    try {
        last_url_ = database_url_from_secret(secrets_->get_secret_value(arn_));
        last_fetch_ = now;
        return last_url_;
    } catch (const std::exception& e) {  // AwsError or ConfigError: neither carries the secret
        log::error("database secret: refetch after an authentication failure failed", {{"error", e.what()}});
        return std::nullopt;
    }
}

std::string DatabaseSecretRefresher::with_refetch(const std::string& url,
                                                  const std::function<void(const std::string&)>& attempt) {
    std::string next;
    try {
        attempt(url);
        return url;
    } catch (const std::exception& e) {
        if (!enabled() || !is_database_auth_failure(e)) throw;
        auto fresh = current_url();
        if (!fresh || *fresh == url) throw;
        next = *fresh;
        log::warn("database: password refused; retrying once with the secret fetched again (rotated?)");
    }
    attempt(next);
    return next;
}

}  // namespace dh::aws
