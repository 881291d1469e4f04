#include "aws/credentials.hpp"

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "aws/client.hpp"
#include "aws/http_client.hpp"
#include "common/bounded_json.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"

namespace dh::aws {
namespace {

constexpr const char* kTokenPath = "/latest/api/token";
constexpr const char* kRolePath = "/latest/meta-data/iam/security-credentials/";
constexpr const char* kTokenTtlSeconds = "21600";

std::string non_empty(const EnvLookup& env, const char* name) {
    auto v = env(name);
    return v ? strings::trim(*v) : std::string();
}

[[noreturn]] void unavailable(const std::string& why) {
    throw AwsError("CredentialsUnavailable", why);
}

}  // namespace

std::chrono::system_clock::time_point parse_iso8601_utc(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        throw std::invalid_argument("not an ISO-8601 time");
    std::string rest = text.substr(static_cast<std::size_t>(consumed));
    if (!rest.empty() && rest[0] == '.') rest = rest.substr(rest.find_first_not_of("0123456789", 1));
    if (rest != "Z" && rest != "+00:00") throw std::invalid_argument("not a UTC time");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Credentials parse_instance_credentials(const std::string& json) {
    auto doc = dh::json::parse_or_null(json).value_or(nlohmann::json());
    if (!doc.is_object()) unavailable("instance metadata answered something other than JSON");
    if (doc.value("Code", "") != "Success") unavailable("instance metadata reported " + doc.value("Code", "no Code"));
    Credentials c;
    c.access_key_id = doc.value("AccessKeyId", "");
    c.secret_access_key = doc.value("SecretAccessKey", "");
    c.session_token = doc.value("Token", "");
    if (c.access_key_id.empty() || c.secret_access_key.empty() || c.session_token.empty())
        unavailable("instance metadata credentials are incomplete");
    try {
        c.expiration = parse_iso8601_utc(doc.value("Expiration", ""));
    } catch (const std::invalid_argument&) {
        unavailable("instance metadata credentials have no valid Expiration");
    }
    return c;
}

CredentialsProvider::CredentialsProvider(Credentials fixed) : fixed_(true), cached_(std::move(fixed)) {}

CredentialsProvider::CredentialsProvider(Options options) : options_(std::move(options)) {}

std::shared_ptr<CredentialsProvider> CredentialsProvider::from_env(const EnvLookup& env) {
    auto key = non_empty(env, "AWS_ACCESS_KEY_ID");
    auto secret = non_empty(env, "AWS_SECRET_ACCESS_KEY");
    if (!key.empty() && !secret.empty())
        return std::make_shared<CredentialsProvider>(Credentials{key, secret, non_empty(env, "AWS_SESSION_TOKEN"), {}});
    Options options;
    if (auto endpoint = non_empty(env, "AWS_EC2_METADATA_ENDPOINT"); !endpoint.empty()) {
        while (endpoint.size() > 1 && endpoint.back() == '/') endpoint.pop_back();
        options.imds_endpoint = endpoint;
    }
    options.imds_enabled = strings::to_lower(non_empty(env, "AWS_EC2_METADATA_DISABLED")) != "true";
    return std::make_shared<CredentialsProvider>(options);
}

std::chrono::system_clock::time_point CredentialsProvider::now() const {
    return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

bool CredentialsProvider::fresh(const Credentials& c) const {
    return !c.expiration || now() + options_.refresh_before < *c.expiration;
}

Credentials CredentialsProvider::get() {
    std::lock_guard lock(mutex_);
    if (cached_ && (fixed_ || fresh(*cached_))) return *cached_;
    try {
        cached_ = fetch_from_imds();
    } catch (const AwsError& e) {
        // Still-valid credentials beat none: IMDS may be briefly unreachable near the refresh point.
        if (cached_ && cached_->expiration && now() < *cached_->expiration) {
            log::warn("AWS credentials: refresh failed, using the current ones until they expire",
                      {{"error", e.what()}});
            return *cached_;
        }
        throw;
    }
    return *cached_;
}

void CredentialsProvider::invalidate() {
    std::lock_guard lock(mutex_);
    if (!fixed_) cached_.reset();
}

std::string CredentialsProvider::source() const {
    return fixed_ ? "environment" : "instance-role";
}

Credentials CredentialsProvider::fetch_from_imds() {
    if (!options_.imds_enabled)
        unavailable(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on EC2 with an instance role");
    HttpClient http;
    const auto& base = options_.imds_endpoint;
    auto token = http.send("PUT", base + kTokenPath, {{"X-aws-ec2-metadata-token-ttl-seconds", kTokenTtlSeconds}}, "",
                           options_.imds_timeout);
    if (token.status != 200 || token.body.empty())
        unavailable("no AWS credentials in the environment and the instance metadata service (IMDSv2) did not answer" +
                    (token.transport_error.empty() ? " (HTTP " + std::to_string(token.status) + ")"
                                                   : " (" + token.transport_error + ")"));
    std::vector<Header> auth = {{"X-aws-ec2-metadata-token", token.body}};
    auto role = http.send("GET", base + kRolePath, auth, "", options_.imds_timeout);
    auto role_name = strings::trim(strings::split(role.body, '\n')[0]);
    if (role.status != 200 || role_name.empty()) unavailable("this EC2 instance has no IAM role attached");
    auto creds = http.send("GET", base + kRolePath + role_name, auth, "", options_.imds_timeout);
    if (creds.status != 200)
        unavailable("instance metadata refused the role credentials (HTTP " + std::to_string(creds.status) + ")");
    auto c = parse_instance_credentials(creds.body);
    log::info("AWS credentials: fetched instance-role credentials", {{"role", role_name}});
    return c;
}

}  // namespace dh::aws
