#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "app/config.hpp"

namespace dh::aws {

class CredentialsProvider;

/// The region named by an ARN ("arn:aws:secretsmanager:eu-west-1:123:secret:x" -> "eu-west-1"); "" otherwise.
std::string region_of_arn(const std::string& arn);

/// AWS Secrets Manager GetSecretValue (JSON protocol), signed with SigV4. The endpoint is
/// AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL, else the public regional endpoint; the
/// region is the secret ARN's, else AWS_REGION / AWS_DEFAULT_REGION. Thread-safe.
class SecretsManager {
public:
    SecretsManager(const EnvLookup& env, std::shared_ptr<CredentialsProvider> credentials,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

    /// The SecretString of the secret's AWSCURRENT version. Throws AwsError (code from AWS, e.g.
    /// "ResourceNotFoundException", "AccessDeniedException", "TransportError"); never logs the value.
    std::string get_secret_value(const std::string& secret_id);

private:
    EnvLookup env_;
    std::shared_ptr<CredentialsProvider> credentials_;
    std::chrono::milliseconds timeout_;
};

}  // namespace dh::aws
