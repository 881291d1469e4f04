#include "tenancy/plan_limits.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace dh::tenancy::plan_limits {
namespace {

TEST(PlanLimits, EveryLimitHasOneJsonMemberOfItsName) {
    PlanLimits l{1, 2, 3, 4, 5, 0.5};
    auto j = to_json(l);
    ASSERT_EQ(j.size(), kNames.size());
    for (auto* name : kNames) EXPECT_TRUE(j.contains(name)) << name;
    EXPECT_EQ(j["vendors"], 3);
    EXPECT_EQ(j["attachment_bytes"], 5);
    EXPECT_EQ(j["send_rate_per_second"], 0.5);
}

TEST(PlanLimits, WholeLimitsTakeWholeNumbersUpToTheMaximum) {
    EXPECT_EQ(problem("vendors", 0), std::nullopt);
    EXPECT_EQ(problem("vendors", kMax), std::nullopt);
    EXPECT_TRUE(problem("vendors", kMax + 1));
    EXPECT_TRUE(problem("vendors", -1));
    EXPECT_TRUE(problem("vendors", 2.5));
    EXPECT_TRUE(problem("vendors", "10"));
    EXPECT_TRUE(problem("vendors", nlohmann::json()));
}

TEST(PlanLimits, TheSendRateTakesAnyNonNegativeNumber) {
    EXPECT_EQ(problem("send_rate_per_second", 0), std::nullopt);
    EXPECT_EQ(problem("send_rate_per_second", 0.25), std::nullopt);
    EXPECT_TRUE(problem("send_rate_per_second", -0.1));
    EXPECT_TRUE(problem("send_rate_per_second", "fast"));
}

TEST(PlanLimits, UnknownNamesAreNoLimits) {
    EXPECT_FALSE(is_limit("mailboxes"));
    EXPECT_EQ(problem("mailboxes", 1), "is not a plan limit");
    for (auto* name : kNames) EXPECT_TRUE(is_limit(name)) << name;
}

TEST(PlanLimits, AnOverridesPatchIsValidatedAndKeepsNullsToClear) {
    auto patch = nlohmann::json::parse(overrides_patch({{"vendors", 10}, {"users", nullptr}}));
    EXPECT_EQ(patch["vendors"], 10);
    EXPECT_TRUE(patch["users"].is_null());
    try {
        overrides_patch({{"vendors", 1.5}});
        FAIL() << "a fraction was accepted";
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("limit_overrides.vendors"), std::string::npos);
    }
    EXPECT_THROW(overrides_patch({{"mailboxes", 1}}), Error);
    EXPECT_THROW(overrides_patch(nlohmann::json::array()), Error);
}

}  // namespace
}  // namespace dh::tenancy::plan_limits
