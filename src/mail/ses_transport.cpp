#include "mail/ses_transport.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "aws/http_client.hpp"
#include "common/bounded_json.hpp"
#include "common/digest.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"

namespace dh::mail {
namespace {

constexpr const char* kSendEmailPath = "/v2/email/outbound-emails";

bool one_of(const std::string& code, std::initializer_list<const char*> codes) {
    for (auto* c : codes)
        if (code == c) return true;
    return false;
}

DeliveryResult result(const std::string& id, Outcome outcome, const aws::AwsResponse& r, std::string reason) {
    DeliveryResult d;
    d.id = id;
    d.outcome = outcome;
    d.reply = "SES " + (r.http.status ? std::to_string(r.http.status) + " " : std::string()) + r.error_code +
              (r.error_message.empty() ? "" : ": " + r.error_message);
    d.reason = std::move(reason);
    return d;
}

std::optional<int> retry_after(const aws::AwsResponse& r) {
    auto v = r.http.header("retry-after");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoi(v);
}

}  // namespace

DeliveryResult classify_ses_response(const std::string& id, const aws::AwsResponse& r, int default_retry_seconds) {
    if (r.ok()) {
        auto doc = dh::json::parse_or_null(r.http.body).value_or(nlohmann::json());
        std::string message_id = doc.is_object() ? doc.value("MessageId", "") : "";
        DeliveryResult d{id, Outcome::sent, 250, "250 Ok <" + message_id + ">", "accepted by Amazon SES", {}, false};
        return d;
    }
    const auto& code = r.error_code;
    if (code == "TransportError")
        return result(id, Outcome::deferred, r, "Amazon SES could not be reached; will retry");
    if (r.http.status == 429 ||
        one_of(code, {"TooManyRequestsException", "Throttling", "ThrottlingException", "LimitExceededException"})) {
        auto d = result(id, Outcome::deferred, r, "Amazon SES is throttling sending; will retry");
        d.retry_after_seconds =
            retry_after(r).value_or(code == "LimitExceededException" ? 3600 : default_retry_seconds);
        return d;
    }
    if (aws::is_credentials_error(code) || r.http.status == 401 || r.http.status == 403 ||
        one_of(code, {"AccountSuspendedException", "SendingPausedException", "NotFoundException"})) {
        auto d =
            result(id, Outcome::deferred, r, "Amazon SES refused the account or its credentials; sending is paused");
        d.relay_problem = true;
        return d;
    }
    if (r.http.status >= 500) return result(id, Outcome::deferred, r, "Amazon SES had a temporary failure; will retry");
    if (code == "MailFromDomainNotVerifiedException")
        return result(id, Outcome::failed, r, "the sender's MAIL FROM domain is not verified in Amazon SES");
    if (code == "MessageRejected") return result(id, Outcome::failed, r, "Amazon SES rejected the message");
    if (r.http.status >= 400) return result(id, Outcome::failed, r, "Amazon SES refused the request as invalid");
    return result(id, Outcome::deferred, r, "unexpected answer from Amazon SES; will retry");
}

SesTransport::SesTransport(Options options, std::shared_ptr<aws::CredentialsProvider> credentials)
    : options_(std::move(options)), credentials_(std::move(credentials)) {}

std::unique_ptr<SesTransport> SesTransport::from_env(const EnvLookup& env) {
    auto get = [&](const char* name) {
        auto v = env(name);
        return v ? strings::trim(*v) : std::string();
    };
    Options options;
    options.region = get("SES_REGION");
    if (options.region.empty()) throw ConfigError("SES_REGION: is required for the SES transport (e.g. eu-west-1)");
    try {
        options.endpoint = aws::resolve_endpoint(env, "SESV2", "email", options.region, get("SES_ENDPOINT"));
    } catch (const std::invalid_argument&) {
        throw ConfigError("SES_ENDPOINT: must be an http(s) URL");
    }
    options.configuration_set = get("SES_CONFIGURATION_SET");
    return std::make_unique<SesTransport>(options, aws::CredentialsProvider::from_env(env));
}

std::string SesTransport::request_body(const OutgoingMessage& message) const {
    nlohmann::json body = {{"Destination", {{"ToAddresses", {message.rcpt_to}}}},
                           {"Content", {{"Raw", {{"Data", digest::base64(message.data)}}}}}};
    if (!options_.configuration_set.empty()) body["ConfigurationSetName"] = options_.configuration_set;
    return body.dump();
}

DeliveryResult SesTransport::send_one(aws::HttpClient& http, const OutgoingMessage& message) {
    aws::Service service{"ses", options_.region, options_.endpoint};
    aws::AwsResponse response;
    try {
        auto credentials = credentials_->get();
        response = aws::call(http, service, credentials, "POST", kSendEmailPath, {{"Content-Type", "application/json"}},
                             request_body(message), options_.timeout, credentials_->now());
    } catch (const aws::AwsError& e) {  // no credentials at all
        response.error_code = e.code();
        response.error_message = e.what();
    }
    if (aws::is_credentials_error(response.error_code)) credentials_->invalidate();
    return classify_ses_response(message.id, response, options_.default_retry_seconds);
}

std::vector<DeliveryResult> SesTransport::send(const std::vector<OutgoingMessage>& batch,
                                               const ResultCallback& on_result) {
    std::vector<DeliveryResult> results;
    results.reserve(batch.size());
    aws::HttpClient http;  // one connection for the batch
    std::optional<DeliveryResult> stop;
    for (const auto& message : batch) {
        if (stop) {  // throttled or refused: the rest of the batch would fare no better
            DeliveryResult d = *stop;
            d.id = message.id;
            results.push_back(std::move(d));
            if (on_result) on_result(results.back());
            continue;
        }
        results.push_back(send_one(http, message));
        const auto& last = results.back();
        if (on_result) on_result(last);
        if (last.relay_problem || last.retry_after_seconds) stop = last;
    }
    std::lock_guard lock(mutex_);
    for (const auto& r : results) {
        if (r.relay_problem) {
            if (health_.empty()) log::error("SES transport: sending paused", {{"reply", r.reply}});
            health_ = "Amazon SES refused the credentials or the account: " + r.reply;
            break;
        }
        if (r.outcome == Outcome::sent) health_.clear();
    }
    return results;
}

std::string SesTransport::health() const {
    std::lock_guard lock(mutex_);
    return health_;
}

}  // namespace dh::mail
