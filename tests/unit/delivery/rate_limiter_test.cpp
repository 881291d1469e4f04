#include "delivery/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace dh::delivery {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
    std::chrono::steady_clock::time_point now{};
    RateLimiter::Clock fn() {
        return [this] { return now; };
    }
};

TEST(RateLimiter, UnlimitedWhenNoRateIsSet) {
    FakeClock clock;
    RateLimiter limiter(0, clock.fn());
    EXPECT_EQ(limiter.take("t1", 0, 500), 500);
    EXPECT_EQ(limiter.take("t1", 0, 500), 500);
}

TEST(RateLimiter, ABurstIsAtMostOneSecondsWorth) {
    FakeClock clock;
    RateLimiter limiter(0, clock.fn());
    EXPECT_EQ(limiter.take("t1", 10, 100), 10);
    EXPECT_EQ(limiter.take("t1", 10, 100), 0) << "no time passed";
}

TEST(RateLimiter, RefillsWithElapsedTimeUpToTheBurst) {
    FakeClock clock;
    RateLimiter limiter(0, clock.fn());
    EXPECT_EQ(limiter.take("t1", 10, 100), 10);
    clock.now += 300ms;
    EXPECT_EQ(limiter.take("t1", 10, 100), 3);
    clock.now += 1h;
    EXPECT_EQ(limiter.take("t1", 10, 100), 10) << "idle time does not save up more than one second";
}

TEST(RateLimiter, ARateBelowOnePerSecondStillSendsOneAtATime) {
    FakeClock clock;
    RateLimiter limiter(0, clock.fn());
    EXPECT_EQ(limiter.take("t1", 0.5, 10), 1);
    clock.now += 1s;
    EXPECT_EQ(limiter.take("t1", 0.5, 10), 0);
    clock.now += 1s;
    EXPECT_EQ(limiter.take("t1", 0.5, 10), 1);
}

TEST(RateLimiter, TenantsHaveBucketsOfTheirOwnUnderTheGlobalOne) {
    FakeClock clock;
    RateLimiter limiter(15, clock.fn());
    EXPECT_EQ(limiter.take("t1", 10, 100), 10);
    EXPECT_EQ(limiter.take("t2", 10, 100), 5) << "the global bucket has 5 left";
    EXPECT_EQ(limiter.take("t3", 0, 100), 0);
    clock.now += 1s;
    EXPECT_EQ(limiter.take("t2", 10, 100), 10);
}

TEST(RateLimiter, UnusedTokensCanBeGivenBack) {
    FakeClock clock;
    RateLimiter limiter(20, clock.fn());
    EXPECT_EQ(limiter.take("t1", 10, 100), 10);
    limiter.give_back("t1", 4);
    EXPECT_EQ(limiter.take("t1", 10, 100), 4);
    EXPECT_EQ(limiter.take("t2", 0, 100), 10) << "the global bucket got its 4 back as well: 20 - 10 + 4 - 4";
}

}  // namespace
}  // namespace dh::delivery
