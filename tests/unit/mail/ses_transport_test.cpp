// How each SES SendEmail answer maps to a delivery outcome (the wire is tested in
// tests/integration/aws/ses_transport_test.cpp).
#include "mail/ses_transport.hpp"

#include <gtest/gtest.h>

#include "aws/client.hpp"

namespace dh::mail {
namespace {

aws::AwsResponse answer(long status, const std::string& code, const std::string& body = "{}") {
    aws::AwsResponse r;
    r.http.status = status;
    r.http.body = body;
    if (!code.empty()) r.http.headers["x-amzn-errortype"] = code + ":http://internal.amazon.com/";
    aws::parse_aws_error(r);
    return r;
}

TEST(SesOutcomes, AcceptedIsSentWithTheMessageId) {
    auto d = classify_ses_response("d1", answer(200, "", R"({"MessageId":"0100abc"})"), 60);
    EXPECT_EQ(d.id, "d1");
    EXPECT_EQ(d.outcome, Outcome::sent);
    EXPECT_EQ(d.smtp_code, 250);
    EXPECT_EQ(d.reply, "250 Ok <0100abc>");
}

TEST(SesOutcomes, ThrottlingIsDeferredWithAHint) {
    auto d = classify_ses_response("d", answer(429, "TooManyRequestsException"), 42);
    EXPECT_EQ(d.outcome, Outcome::deferred);
    EXPECT_EQ(d.retry_after_seconds, 42);
    EXPECT_FALSE(d.relay_problem);
    auto with_header = answer(400, "Throttling");
    with_header.http.headers["retry-after"] = "7";
    EXPECT_EQ(classify_ses_response("d", with_header, 42).retry_after_seconds, 7);
    auto quota = classify_ses_response("d", answer(400, "LimitExceededException"), 42);
    EXPECT_EQ(quota.outcome, Outcome::deferred);
    EXPECT_EQ(quota.retry_after_seconds, 3600);
}

TEST(SesOutcomes, PermanentRejectionsFail) {
    for (auto code : {"MessageRejected", "MailFromDomainNotVerifiedException", "BadRequestException"}) {
        auto d = classify_ses_response("d", answer(400, code), 60);
        EXPECT_EQ(d.outcome, Outcome::failed) << code;
        EXPECT_FALSE(d.relay_problem) << code;
        EXPECT_NE(d.reply.find(code), std::string::npos);
    }
}

TEST(SesOutcomes, ServerErrorsAndNetworkFailuresAreDeferred) {
    EXPECT_EQ(classify_ses_response("d", answer(500, "InternalFailure"), 60).outcome, Outcome::deferred);
    EXPECT_EQ(classify_ses_response("d", answer(503, ""), 60).outcome, Outcome::deferred);
    aws::AwsResponse down;
    down.http.transport_error = "Connection refused";
    aws::parse_aws_error(down);
    auto d = classify_ses_response("d", down, 60);
    EXPECT_EQ(d.outcome, Outcome::deferred);
    EXPECT_FALSE(d.relay_problem);
}

TEST(SesOutcomes, CredentialAndAccountProblemsPauseTheRelay) {
    for (auto [status, code] : std::vector<std::pair<long, std::string>>{{403, "InvalidSignatureException"},
                                                                         {403, "UnrecognizedClientException"},
                                                                         {403, "AccessDeniedException"},
                                                                         {400, "ExpiredTokenException"},
                                                                         {400, "AccountSuspendedException"},
                                                                         {400, "SendingPausedException"}}) {
        auto d = classify_ses_response("d", answer(status, code), 60);
        EXPECT_EQ(d.outcome, Outcome::deferred) << code;
        EXPECT_TRUE(d.relay_problem) << code;
    }
}

}  // namespace
}  // namespace dh::mail
