#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tenancy/plan_service.hpp"

namespace dh::tenancy {
namespace {

Plan valid() {
    PlanChanges c;
    c.name = "Tiny";
    c.currency = "EUR";
    c.price_cents = 4900;
    c.emails_per_period = 50;
    return apply(Plan{}, c);
}

std::string field_of(const Plan& p) {
    try {
        validate(p);
    } catch (const Error& e) {
        return e.message();
    }
    return "";
}

TEST(PlanRules, ApplyChangesOnlyWhatIsGiven) {
    auto p = valid();
    p.overage_cents_per_1000 = 100;
    PlanChanges c;
    c.overage_cents_per_1000 = std::optional<long long>();  // hard stop
    c.users = 7;
    auto q = apply(p, c);
    EXPECT_FALSE(q.overage_cents_per_1000);
    EXPECT_EQ(q.limits.users, 7);
    EXPECT_EQ(q.limits.emails_per_period, 50);
    EXPECT_EQ(q.name, "Tiny");
}

TEST(PlanRules, ValidationNamesTheField) {
    EXPECT_EQ(field_of(valid()), "");
    auto p = valid();
    p.currency = "eur";
    EXPECT_NE(field_of(p).find("currency"), std::string::npos);
    p = valid();
    p.name = "";
    EXPECT_NE(field_of(p).find("name"), std::string::npos);
    p = valid();
    p.name = "Two\nlines";
    EXPECT_NE(field_of(p).find("name"), std::string::npos);
    p = valid();
    p.limits.vendors = -1;
    EXPECT_NE(field_of(p).find("limits.vendors"), std::string::npos);
    p = valid();
    p.overage_cents_per_1000 = -5;
    EXPECT_NE(field_of(p).find("overage"), std::string::npos);
}

}  // namespace
}  // namespace dh::tenancy
