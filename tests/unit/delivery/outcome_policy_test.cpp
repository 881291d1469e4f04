#include "delivery/outcome_policy.hpp"

#include <gtest/gtest.h>

namespace dh::delivery {
namespace {

OutcomePolicy policy(long long max_age = 86400) {
    return OutcomePolicy(backoff::Backoff({60, 3600, max_age}, [] { return 0.5; }), 30);
}

mail::DeliveryResult result(mail::Outcome outcome, std::string reason = "") {
    mail::DeliveryResult r;
    r.id = "d1";
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

TEST(OutcomePolicy, SentAndPermanentFailuresAreFinal) {
    EXPECT_EQ(policy().after(result(mail::Outcome::sent), 1, 0).kind, NextStep::Kind::sent);
    auto failed = policy().after(result(mail::Outcome::failed, "the mailbox does not exist"), 1, 0);
    EXPECT_EQ(failed.kind, NextStep::Kind::failed);
    EXPECT_EQ(failed.reason, "the mailbox does not exist");
}

TEST(OutcomePolicy, ATransientFailureIsRetriedWithBackoff) {
    auto next = policy().after(result(mail::Outcome::deferred, "mailbox busy"), 3, 100);
    EXPECT_EQ(next.kind, NextStep::Kind::retry);
    EXPECT_EQ(next.delay_seconds, 240);
    EXPECT_FALSE(next.relay_problem);
    EXPECT_EQ(next.reason, "mailbox busy");
}

TEST(OutcomePolicy, TheRelaysHintIsHonoured) {
    auto r = result(mail::Outcome::deferred, "throttled");
    r.retry_after_seconds = 900;
    EXPECT_EQ(policy().after(r, 1, 0).delay_seconds, 900);
}

TEST(OutcomePolicy, GivesUpOnceTheItemWouldBeTooOld) {
    auto next = policy(1000).after(result(mail::Outcome::deferred, "mailbox busy"), 1, 999);
    EXPECT_EQ(next.kind, NextStep::Kind::failed);
    EXPECT_EQ(next.reason, "gave up after retrying: mailbox busy");
}

TEST(OutcomePolicy, ARelayProblemIsProbedAndNeverGivenUp) {
    auto r = result(mail::Outcome::deferred, "the relay refused our credentials");
    r.relay_problem = true;
    auto next = policy(10).after(r, 50, 1000000);
    EXPECT_EQ(next.kind, NextStep::Kind::retry);
    EXPECT_TRUE(next.relay_problem);
    EXPECT_EQ(next.delay_seconds, 30);
    r.retry_after_seconds = 120;
    EXPECT_EQ(policy().after(r, 1, 0).delay_seconds, 120);
}

}  // namespace
}  // namespace dh::delivery
