#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "aws/http_client.hpp"
#include "aws/sigv4.hpp"

namespace dh::aws {

class CredentialsProvider;

/// A failed AWS call. `code` is AWS's error code ("ResourceNotFoundException", ...) or
/// "TransportError"; what() never contains credentials or secret values.
class AwsError : public std::runtime_error {
public:
    AwsError(std::string code, const std::string& message, long status = 0)
        : std::runtime_error(code + (message.empty() ? "" : ": " + message)), code_(std::move(code)), status_(status) {}
    const std::string& code() const { return code_; }
    long status() const { return status_; }

private:
    std::string code_;
    long status_;
};

/// The answer of a signed call with AWS's error code and message picked out (JSON and REST-JSON).
struct AwsResponse {
    HttpResponse http;
    std::string error_code;  ///< "" on success
    std::string error_message;
    bool ok() const { return http.transport_error.empty() && http.status >= 200 && http.status < 300; }
};

/// True for codes that mean "these credentials are wrong or expired" (not the request's fault).
bool is_credentials_error(const std::string& code);

/// Fills error_code/error_message from x-amzn-ErrorType or the body's __type/code and message.
void parse_aws_error(AwsResponse& response);

/// One AWS service at one endpoint, called with SigV4-signed requests.
struct Service {
    std::string name;  ///< signing name: "secretsmanager", "ses"
    std::string region;
    std::string endpoint;  ///< base URL, e.g. https://email.eu-west-1.amazonaws.com
};

/// AWS_ENDPOINT_URL_<ENV_ID> (e.g. SECRETS_MANAGER), else AWS_ENDPOINT_URL, else the public endpoint
/// https://<host_prefix>.<region>.amazonaws.com. `explicit_url` (when not empty) wins over all.
std::string resolve_endpoint(const EnvLookup& env, const std::string& env_id, const std::string& host_prefix,
                             const std::string& region, const std::string& explicit_url = {});

/// Signs and sends one request. Headers must not include Host, X-Amz-Date or Authorization.
AwsResponse call(HttpClient& http, const Service& service, const Credentials& credentials, const std::string& method,
                 const std::string& path, std::vector<Header> headers, const std::string& body,
                 std::chrono::milliseconds timeout, std::chrono::system_clock::time_point now);

}  // namespace dh::aws
