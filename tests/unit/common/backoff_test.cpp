#include "common/backoff.hpp"

#include <gtest/gtest.h>

namespace dh::backoff {
namespace {

// Jitter 0.5 is the middle of ±20 %: the delay is exactly the exponential step.
constexpr double kMiddle = 0.5;

TEST(Backoff, DoublesFromTheBaseWithEachAttempt) {
    Policy p{10, 3600, 86400};
    EXPECT_EQ(delay_seconds(p, 1, std::nullopt, kMiddle), 10);
    EXPECT_EQ(delay_seconds(p, 2, std::nullopt, kMiddle), 20);
    EXPECT_EQ(delay_seconds(p, 3, std::nullopt, kMiddle), 40);
    EXPECT_EQ(delay_seconds(p, 0, std::nullopt, kMiddle), 10) << "no attempt yet counts as the first";
}

TEST(Backoff, IsCappedBeforeTheJitterAndNeverOverflows) {
    Policy p{60, 3600, 86400 * 30};
    EXPECT_EQ(delay_seconds(p, 7, std::nullopt, kMiddle), 3600);
    EXPECT_EQ(delay_seconds(p, 1000, std::nullopt, kMiddle), 3600);
    EXPECT_EQ(delay_seconds(p, 1000, std::nullopt, 0.0), 2880);
    EXPECT_EQ(delay_seconds(p, 1000, std::nullopt, 0.999999), 4319);
}

TEST(Backoff, JitterSpreadsTwentyPercentEitherWay) {
    Policy p{100, 3600, 86400};
    EXPECT_EQ(delay_seconds(p, 1, std::nullopt, 0.0), 80);
    EXPECT_EQ(delay_seconds(p, 1, std::nullopt, 0.25), 90);
    EXPECT_EQ(delay_seconds(p, 1, std::nullopt, 0.75), 110);
    EXPECT_EQ(delay_seconds(p, 1, std::nullopt, 5.0), 120) << "a jitter source out of range is clamped";
}

TEST(Backoff, NeverShorterThanThePeersHintNorThanOneSecond) {
    Policy p{1, 3600, 86400};
    EXPECT_EQ(delay_seconds(p, 1, 300, kMiddle), 300);
    EXPECT_EQ(delay_seconds(p, 1, 0, 0.0), 1);
    EXPECT_EQ(delay_seconds(Policy{0, 3600, 86400}, 1, std::nullopt, 0.0), 1);
}

TEST(Backoff, GivesUpWhenTheNextAttemptWouldComeTooLate) {
    Policy p{60, 3600, 1000};
    auto retry = after_transient_failure(p, 1, 939, std::nullopt, kMiddle);
    EXPECT_FALSE(retry.give_up);
    EXPECT_EQ(retry.delay_seconds, 60);
    EXPECT_TRUE(after_transient_failure(p, 1, 941, std::nullopt, kMiddle).give_up);
    EXPECT_TRUE(after_transient_failure(p, 1, 0, 5000, kMiddle).give_up) << "a hint beyond the age limit";
}

TEST(Backoff, TheBoundPolicyDrawsItsJitterFromTheInjectedSource) {
    int draws = 0;
    Backoff b(Policy{100, 3600, 86400}, [&] {
        ++draws;
        return 0.0;
    });
    EXPECT_EQ(b.after_transient_failure(2, 0).delay_seconds, 160);
    EXPECT_EQ(b.after_transient_failure(1, 0, 500).delay_seconds, 500);
    EXPECT_EQ(draws, 2);
}

TEST(Backoff, WithoutAnInjectedSourceTheDelayStaysWithinTheJitterBand) {
    Backoff b(Policy{100, 3600, 86400});
    for (int i = 0; i < 200; ++i) {
        auto d = b.after_transient_failure(1, 0).delay_seconds;
        ASSERT_GE(d, 80);
        ASSERT_LE(d, 120);
    }
}

}  // namespace
}  // namespace dh::backoff
