#include "aws/client.hpp"

#include <nlohmann/json.hpp>

#include "common/bounded_json.hpp"
#include "common/strings.hpp"

namespace dh::aws {

bool is_credentials_error(const std::string& code) {
    static const char* kCodes[] = {"UnrecognizedClientException",
                                   "InvalidSignatureException",
                                   "SignatureDoesNotMatch",
                                   "InvalidClientTokenId",
                                   "ExpiredToken",
                                   "ExpiredTokenException",
                                   "IncompleteSignatureException",
                                   "AccessDeniedException",
                                   "AccessDenied",
                                   "MissingAuthenticationTokenException",
                                   "CredentialsUnavailable"};
    for (auto* c : kCodes)
        if (code == c) return true;
    return false;
}

void parse_aws_error(AwsResponse& response) {
    if (response.ok() || !response.http.transport_error.empty()) {
        if (!response.http.transport_error.empty()) {
            response.error_code = "TransportError";
            response.error_message = response.http.transport_error;
        }
        return;
    }
    // "TooManyRequestsException:http://internal.amazon.com/coral/..." or "aws.protocol#Code"
    auto strip = [](std::string code) {
        if (auto colon = code.find(':'); colon != std::string::npos) code = code.substr(0, colon);
        if (auto hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
        return code;
    };
    std::string code = response.http.header("x-amzn-errortype");
    auto body = dh::json::parse_or_null(response.http.body).value_or(nlohmann::json());
    if (body.is_object()) {
        for (auto* key : {"__type", "code", "Code"})
            if (code.empty() && body.contains(key) && body[key].is_string()) code = body[key].get<std::string>();
        for (auto* key : {"message", "Message"})
            if (body.contains(key) && body[key].is_string()) response.error_message = body[key].get<std::string>();
    }
    response.error_code = code.empty() ? "HTTP" + std::to_string(response.http.status) : strip(code);
}

std::string resolve_endpoint(const EnvLookup& env, const std::string& env_id, const std::string& host_prefix,
                             const std::string& region, const std::string& explicit_url) {
    auto pick = [](const std::optional<std::string>& v) { return v && !v->empty() ? *v : std::string(); };
    std::string url = explicit_url;
    if (url.empty()) url = pick(env("AWS_ENDPOINT_URL_" + env_id));
    if (url.empty()) url = pick(env("AWS_ENDPOINT_URL"));
    if (url.empty()) url = "https://" + host_prefix + "." + region + ".amazonaws.com";
    while (url.size() > 1 && url.back() == '/') url.pop_back();
    Url::parse(url);  // validates
    return url;
}

AwsResponse call(HttpClient& http, const Service& service, const Credentials& credentials, const std::string& method,
                 const std::string& path, std::vector<Header> headers, const std::string& body,
                 std::chrono::milliseconds timeout, std::chrono::system_clock::time_point now) {
    Url base = Url::parse(service.endpoint);
    SignableRequest request;
    request.method = method;
    request.path = (base.path == "/" ? "" : base.path) + path;
    request.headers = std::move(headers);
    request.headers.push_back({"Host", base.host});
    request.body = body;
    sign(request, credentials, service.region, service.name, now);
    AwsResponse response;
    response.http = http.send(method, base.origin() + request.path, request.headers, body, timeout);
    parse_aws_error(response);
    return response;
}

}  // namespace dh::aws
