// The SES v2 transport against a local server that verifies each request's SigV4 signature and
// answers like SES: the raw MIME arrives byte for byte, and throttling, permanent rejections, server
// errors and credential problems each map to the outcome the worker needs.
#include "mail/ses_transport.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/fake_aws_server.hpp"

namespace dh::test {
namespace {

using mail::Outcome;

const std::string kKey = "AKIDSESSENDER";
const std::string kSecretKey = "ses-sender-secret-key/0123456789";

nlohmann::json config() {
    return {{"region", "eu-west-1"},
            {"credentials", {{kKey, {{"secret", kSecretKey}}}}},
            {"imds", {{"role", "dispatchhub-backend"}, {"expiry_seconds", 3600}}}};
}

std::unique_ptr<mail::SesTransport> transport(const FakeAws& aws, const std::string& secret = kSecretKey) {
    return mail::SesTransport::from_env(env_of({{"SES_REGION", "eu-west-1"},
                                                {"SES_ENDPOINT", aws.url()},
                                                {"AWS_ACCESS_KEY_ID", kKey},
                                                {"AWS_SECRET_ACCESS_KEY", secret},
                                                {"AWS_EC2_METADATA_DISABLED", "true"}}));
}

mail::OutgoingMessage message(const std::string& id, const std::string& to) {
    std::string data = "From: Acme Procurement <rfq@acme.example>\r\nTo: <" + to +
                       ">\r\nSubject: =?UTF-8?Q?Anfrage_f=C3=BCr_Q3?=\r\n"
                       "Message-ID: <" +
                       id +
                       "@dispatchhub.localhost>\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                       "Guten Tag \xC3\xA4\xC3\xB6\xC3\xBC,\r\n.\r\nbitte um Angebot.\r\n";
    return {id, "bounce+" + id + "@dispatchhub.localhost", to, data};
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(SesTransport, SendsTheRawMimeSignedAndByteForByte) {
    FakeAws aws(config());
    auto ses = transport(aws);
    EXPECT_EQ(ses->name(), "ses");
    std::vector<mail::OutgoingMessage> batch = {message("d-1", "anna@vendor.example"),
                                                message("d-2", "ben@vendor.example")};
    auto results = ses->send(batch);
    ASSERT_EQ(results.size(), 2u);
    auto calls = aws.requests_of("SendEmail");
    ASSERT_EQ(calls.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(results[i].id, batch[i].id);
        EXPECT_EQ(results[i].outcome, Outcome::sent);
        EXPECT_EQ(results[i].smtp_code, 250);
        EXPECT_TRUE(calls[i]["signature_ok"].get<bool>());
        EXPECT_EQ(calls[i]["to"], batch[i].rcpt_to);
        auto message_id = calls[i]["message_id"].get<std::string>();
        EXPECT_EQ(results[i].reply, "250 Ok <" + message_id + ">");
        EXPECT_EQ(slurp(aws.ses_dir() + "/" + message_id + ".eml"), batch[i].data);
    }
    EXPECT_EQ(ses->health(), "");
}

TEST(SesTransport, ThrottlingDefersWithAHintAndStopsTheBatch) {
    FakeAws aws(config());
    auto results = transport(aws)->send({message("d-1", "ok@vendor.example"), message("d-2", "throttle@vendor.example"),
                                         message("d-3", "later@vendor.example")});
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].outcome, Outcome::sent);
    EXPECT_EQ(results[1].outcome, Outcome::deferred);
    EXPECT_EQ(results[1].retry_after_seconds, 60);
    EXPECT_NE(results[1].reply.find("TooManyRequestsException"), std::string::npos);
    EXPECT_FALSE(results[1].relay_problem);
    EXPECT_EQ(results[2].id, "d-3");  // not tried: it would be throttled too
    EXPECT_EQ(results[2].outcome, Outcome::deferred);
    EXPECT_EQ(results[2].retry_after_seconds, 60);
    EXPECT_EQ(aws.requests_of("SendEmail").size(), 2u);

    auto quota = transport(aws)->send({message("d-4", "quota@vendor.example")});
    EXPECT_EQ(quota[0].outcome, Outcome::deferred);
    EXPECT_EQ(quota[0].retry_after_seconds, 3600);
}

TEST(SesTransport, PermanentRejectionsFailOnlyTheirMessage) {
    FakeAws aws(config());
    auto results =
        transport(aws)->send({message("d-1", "reject@vendor.example"), message("d-2", "mailfrom@vendor.example"),
                              message("d-3", "invalid@vendor.example"), message("d-4", "fine@vendor.example")});
    ASSERT_EQ(results.size(), 4u);
    EXPECT_EQ(results[0].outcome, Outcome::failed);
    EXPECT_NE(results[0].reply.find("MessageRejected"), std::string::npos);
    EXPECT_EQ(results[1].outcome, Outcome::failed);
    EXPECT_NE(results[1].reason.find("MAIL FROM"), std::string::npos);
    EXPECT_EQ(results[2].outcome, Outcome::failed);
    EXPECT_EQ(results[3].outcome, Outcome::sent);
    for (auto& r : results) EXPECT_FALSE(r.relay_problem);
}

TEST(SesTransport, ServerErrorsAndAnUnreachableEndpointDefer) {
    FakeAws aws(config());
    auto results =
        transport(aws)->send({message("d-1", "error@vendor.example"), message("d-2", "unavailable@vendor.example")});
    EXPECT_EQ(results[0].outcome, Outcome::deferred);
    EXPECT_EQ(results[1].outcome, Outcome::deferred);
    EXPECT_FALSE(results[0].relay_problem);

    auto gone = mail::SesTransport::from_env(env_of({{"SES_REGION", "eu-west-1"},
                                                     {"SES_ENDPOINT", "http://127.0.0.1:1"},
                                                     {"AWS_ACCESS_KEY_ID", kKey},
                                                     {"AWS_SECRET_ACCESS_KEY", kSecretKey}}));
    auto down = gone->send({message("d-3", "x@vendor.example")});
    EXPECT_EQ(down[0].outcome, Outcome::deferred);
    EXPECT_EQ(down[0].smtp_code, 0);
}

TEST(SesTransport, AWrongSecretKeyIsRejectedAndPausesTheRelay) {
    FakeAws aws(config());
    auto ses = transport(aws, "a-wrong-secret-key");
    auto results = ses->send({message("d-1", "a@vendor.example"), message("d-2", "b@vendor.example")});
    for (auto& r : results) {
        EXPECT_EQ(r.outcome, Outcome::deferred);
        EXPECT_TRUE(r.relay_problem);
        EXPECT_EQ(r.reply.find("a-wrong-secret-key"), std::string::npos);
    }
    auto calls = aws.requests_of("SendEmail");
    ASSERT_EQ(calls.size(), 1u);  // the second message was not tried
    EXPECT_FALSE(calls[0]["signature_ok"].get<bool>());
    EXPECT_NE(ses->health().find("InvalidSignatureException"), std::string::npos);
}

TEST(SesTransport, AccountProblemsPauseUntilASendSucceeds) {
    FakeAws aws(config());
    auto ses = transport(aws);
    auto paused = ses->send({message("d-1", "paused@vendor.example")});
    EXPECT_TRUE(paused[0].relay_problem);
    EXPECT_NE(ses->health(), "");
    auto ok = ses->send({message("d-2", "fine@vendor.example")});
    EXPECT_EQ(ok[0].outcome, Outcome::sent);
    EXPECT_EQ(ses->health(), "");
}

TEST(SesTransport, InstanceRoleCredentials) {
    FakeAws aws(config());
    auto ses = mail::SesTransport::from_env(
        env_of({{"SES_REGION", "eu-west-1"}, {"SES_ENDPOINT", aws.url()}, {"AWS_EC2_METADATA_ENDPOINT", aws.url()}}));
    auto results = ses->send({message("d-1", "a@vendor.example")});
    EXPECT_EQ(results[0].outcome, Outcome::sent) << results[0].reply;
    auto call = aws.requests_of("SendEmail").at(0);
    EXPECT_TRUE(call["signature_ok"].get<bool>());
    EXPECT_EQ(call["access_key"].get<std::string>().rfind("ASIAIMDS", 0), 0u);
}

TEST(SesTransport, ConfigurationIsValidated) {
    EXPECT_THROW(mail::SesTransport::from_env(env_of({})), ConfigError);
    EXPECT_THROW(mail::SesTransport::from_env(env_of({{"SES_REGION", "eu-west-1"}, {"SES_ENDPOINT", "email.example"}})),
                 ConfigError);
}

}  // namespace
}  // namespace dh::test
