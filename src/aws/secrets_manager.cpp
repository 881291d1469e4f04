#include "aws/secrets_manager.hpp"

#include <nlohmann/json.hpp>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "common/bounded_json.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"

namespace dh::aws {

std::string region_of_arn(const std::string& arn) {
    auto parts = strings::split(arn, ':');
    if (parts.size() < 6 || parts[0] != "arn") return {};
    return parts[3];
}

SecretsManager::SecretsManager(const EnvLookup& env, std::shared_ptr<CredentialsProvider> credentials,
                               std::chrono::milliseconds timeout)
    : env_(env), credentials_(std::move(credentials)), timeout_(timeout) {}

std::string SecretsManager::get_secret_value(const std::string& secret_id) {
    std::string region = region_of_arn(secret_id);
    for (auto* var : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
        if (region.empty()) {
            auto v = env_(var);
            if (v) region = strings::trim(*v);
        }
    }
    if (region.empty()) throw AwsError("MissingRegion", "the secret id is not an ARN and AWS_REGION is not set");
    Service service{"secretsmanager", region, resolve_endpoint(env_, "SECRETS_MANAGER", "secretsmanager", region)};
    std::string body = nlohmann::json{{"SecretId", secret_id}}.dump();
    std::vector<Header> headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                   {"X-Amz-Target", "secretsmanager.GetSecretValue"}};
    HttpClient http;
    AwsResponse response;
    // Role credentials may have been revoked or expired early: refetch them once before giving up.
    for (int attempt = 0; attempt < 2; ++attempt) {
        response = call(http, service, credentials_->get(), "POST", "/", headers, body, timeout_, credentials_->now());
        if (response.ok() || !is_credentials_error(response.error_code) || credentials_->source() == "environment")
            break;
        credentials_->invalidate();
    }
    if (!response.ok()) throw AwsError(response.error_code, response.error_message, response.http.status);
    auto doc = dh::json::parse_or_null(response.http.body).value_or(nlohmann::json());
    if (!doc.is_object() || !doc.contains("SecretString") || !doc["SecretString"].is_string())
        throw AwsError("InvalidResponse",
                       "GetSecretValue answered without a SecretString (binary secrets are not supported)");
    log::info("secret fetched from AWS Secrets Manager", {{"secret", doc.value("Name", secret_id)}});
    return doc["SecretString"].get<std::string>();
}

}  // namespace dh::aws
