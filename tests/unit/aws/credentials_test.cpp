// Parsing of instance-role credentials and the refresh rule, without a network.
#include "aws/credentials.hpp"

#include <gtest/gtest.h>

#include "aws/client.hpp"

namespace dh::aws {
namespace {

using std::chrono::system_clock;

TEST(InstanceCredentials, ParsesTheImdsDocument) {
    auto c = parse_instance_credentials(R"({"Code":"Success","LastUpdated":"2024-05-01T11:00:00Z","Type":"AWS-HMAC",
        "AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s3cr3t","Token":"tok","Expiration":"2024-05-01T17:00:00Z"})");
    EXPECT_EQ(c.access_key_id, "ASIAEXAMPLE");
    EXPECT_EQ(c.secret_access_key, "s3cr3t");
    EXPECT_EQ(c.session_token, "tok");
    ASSERT_TRUE(c.expiration);
    EXPECT_EQ(system_clock::to_time_t(*c.expiration), 1714582800);
}

TEST(InstanceCredentials, RejectsFailuresAndIncompleteDocuments) {
    EXPECT_THROW(parse_instance_credentials(R"({"Code":"AssumeRoleUnauthorizedAccess"})"), AwsError);
    EXPECT_THROW(parse_instance_credentials(R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S",
        "Expiration":"2024-05-01T17:00:00Z"})"),
                 AwsError);  // no Token
    EXPECT_THROW(parse_instance_credentials(R"({"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S","Token":"T",
        "Expiration":"tomorrow"})"),
                 AwsError);
    EXPECT_THROW(parse_instance_credentials("<html>"), AwsError);
}

TEST(InstanceCredentials, Iso8601) {
    EXPECT_EQ(system_clock::to_time_t(parse_iso8601_utc("1970-01-02T00:00:01Z")), 86401);
    EXPECT_EQ(system_clock::to_time_t(parse_iso8601_utc("1970-01-02T00:00:01.250Z")), 86401);
    EXPECT_THROW(parse_iso8601_utc("1970-01-02T00:00:01+02:00"), std::invalid_argument);
    EXPECT_THROW(parse_iso8601_utc(""), std::invalid_argument);
}

TEST(CredentialsProvider, EnvironmentKeysWinAndAreNeverRefreshed) {
    std::map<std::string, std::string> vars = {{"AWS_ACCESS_KEY_ID", "AKIAENV"},
                                               {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                                               {"AWS_SESSION_TOKEN", "envtoken"},
                                               {"AWS_EC2_METADATA_ENDPOINT", "http://127.0.0.1:1"}};
    auto provider = CredentialsProvider::from_env([&](const std::string& n) -> std::optional<std::string> {
        if (auto it = vars.find(n); it != vars.end()) return it->second;
        return std::nullopt;
    });
    EXPECT_EQ(provider->source(), "environment");
    auto c = provider->get();
    EXPECT_EQ(c.access_key_id, "AKIAENV");
    EXPECT_EQ(c.session_token, "envtoken");
    provider->invalidate();
    EXPECT_EQ(provider->get().access_key_id, "AKIAENV");
}

TEST(CredentialsProvider, NoCredentialsAnywhereIsAClearError) {
    auto provider = CredentialsProvider::from_env([](const std::string& n) -> std::optional<std::string> {
        if (n == "AWS_EC2_METADATA_DISABLED") return "true";
        return std::nullopt;
    });
    EXPECT_EQ(provider->source(), "instance-role");
    try {
        provider->get();
        FAIL() << "expected an error";
    } catch (const AwsError& e) {
        EXPECT_EQ(e.code(), "CredentialsUnavailable");
        EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos);
    }
}

TEST(AwsErrors, CodesFromHeaderOrBody) {
    AwsResponse rest;
    rest.http.status = 429;
    rest.http.headers["x-amzn-errortype"] = "TooManyRequestsException:http://internal.amazon.com/coral/com.amazon.ses/";
    rest.http.body = R"({"message":"Maximum sending rate exceeded."})";
    parse_aws_error(rest);
    EXPECT_EQ(rest.error_code, "TooManyRequestsException");
    EXPECT_EQ(rest.error_message, "Maximum sending rate exceeded.");

    AwsResponse json;
    json.http.status = 400;
    json.http.body = R"({"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","Message":"nope"})";
    parse_aws_error(json);
    EXPECT_EQ(json.error_code, "ResourceNotFoundException");
    EXPECT_EQ(json.error_message, "nope");

    AwsResponse bare;
    bare.http.status = 502;
    bare.http.body = "<html>bad gateway</html>";
    parse_aws_error(bare);
    EXPECT_EQ(bare.error_code, "HTTP502");

    AwsResponse down;
    down.http.transport_error = "Couldn't connect to server";
    parse_aws_error(down);
    EXPECT_EQ(down.error_code, "TransportError");
}

TEST(AwsEndpoints, OverridesInOrder) {
    std::map<std::string, std::string> vars;
    EnvLookup env = [&](const std::string& n) -> std::optional<std::string> {
        if (auto it = vars.find(n); it != vars.end()) return it->second;
        return std::nullopt;
    };
    EXPECT_EQ(resolve_endpoint(env, "SECRETS_MANAGER", "secretsmanager", "eu-west-1"),
              "https://secretsmanager.eu-west-1.amazonaws.com");
    vars["AWS_ENDPOINT_URL"] = "http://127.0.0.1:4566/";
    EXPECT_EQ(resolve_endpoint(env, "SECRETS_MANAGER", "secretsmanager", "eu-west-1"), "http://127.0.0.1:4566");
    vars["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "http://127.0.0.1:9000";
    EXPECT_EQ(resolve_endpoint(env, "SECRETS_MANAGER", "secretsmanager", "eu-west-1"), "http://127.0.0.1:9000");
    EXPECT_EQ(resolve_endpoint(env, "SECRETS_MANAGER", "secretsmanager", "eu-west-1", "https://x.example"),
              "https://x.example");
    vars["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = "ftp://nope";
    EXPECT_THROW(resolve_endpoint(env, "SECRETS_MANAGER", "secretsmanager", "eu-west-1"), std::invalid_argument);
}

}  // namespace
}  // namespace dh::aws
