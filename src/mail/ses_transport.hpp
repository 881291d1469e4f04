#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "mail/transport.hpp"

namespace dh::aws {
class CredentialsProvider;
class HttpClient;
struct AwsResponse;
}  // namespace dh::aws

namespace dh::mail {

/// Sends through the Amazon SES v2 SendEmail API with raw content: the same MIME bytes the SMTP
/// transport would send, base64 in Content.Raw.Data, one request per recipient. Requests are signed
/// with SigV4 using environment or instance-role credentials.
///
/// Outcomes: throttling (429 TooManyRequestsException, Throttling, LimitExceededException) ->
/// deferred with a retry hint, and the rest of the batch is deferred without being tried;
/// permanent rejections (MessageRejected, MailFromDomainNotVerifiedException, 400 validation) ->
/// failed; 5xx and network errors -> deferred; credential or account problems -> deferred with
/// relay_problem (and health() says why until a send succeeds).
class SesTransport : public Transport {
public:
    struct Options {
        std::string region;             ///< SES_REGION
        std::string endpoint;           ///< SES_ENDPOINT; empty: https://email.<region>.amazonaws.com
        std::string configuration_set;  ///< SES_CONFIGURATION_SET; optional
        std::chrono::milliseconds timeout{15000};
        int default_retry_seconds = 60;  ///< hint for throttling when SES gives none
    };
    SesTransport(Options options, std::shared_ptr<aws::CredentialsProvider> credentials);

    /// From SES_REGION (required), SES_ENDPOINT (or AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL),
    /// SES_CONFIGURATION_SET and the AWS credential variables. Throws ConfigError.
    static std::unique_ptr<SesTransport> from_env(const EnvLookup& env);

    using Transport::send;
    std::vector<DeliveryResult> send(const std::vector<OutgoingMessage>& batch,
                                     const ResultCallback& on_result) override;
    std::string name() const override { return "ses"; }
    std::string health() const override;

private:
    DeliveryResult send_one(aws::HttpClient& http, const OutgoingMessage& message);
    std::string request_body(const OutgoingMessage& message) const;

    Options options_;
    std::shared_ptr<aws::CredentialsProvider> credentials_;
    mutable std::mutex mutex_;
    std::string health_;
};

/// The result of one SendEmail answer (pure; unit-tested). `reply` never holds credentials.
DeliveryResult classify_ses_response(const std::string& id, const aws::AwsResponse& response,
                                     int default_retry_seconds);

}  // namespace dh::mail
