#include "db/conditions.hpp"

#include <gtest/gtest.h>

namespace dh::db {
namespace {

TEST(Conditions, NumbersTheParametersAfterThoseAlreadyGiven) {
    Params params{std::string("tenant")};
    Conditions where(params);
    where.add("NOT m.archived").add("m.kind = $?", {"reply"}).add("(a, b) < ($?::timestamptz, $?::uuid)", {"t", "id"});
    EXPECT_EQ(where.sql(), " AND (NOT m.archived) AND (m.kind = $2) AND ((a, b) < ($3::timestamptz, $4::uuid))");
    ASSERT_EQ(params.size(), 4u);
    EXPECT_EQ(params[1].value(), "reply");
    EXPECT_EQ(params[3].value(), "id");
}

TEST(Conditions, NoneIsNoText) {
    Params params;
    Conditions where(params);
    EXPECT_EQ(where.sql(), "");
    EXPECT_TRUE(params.empty());
}

TEST(Conditions, AMismatchOfPlaceholdersAndValuesIsAProgrammingError) {
    Params params;
    Conditions where(params);
    EXPECT_THROW(where.add("a = $? AND b = $?", {"1"}), std::logic_error);
    EXPECT_THROW(where.add("a = 1", {"1"}), std::logic_error);
}

}  // namespace
}  // namespace dh::db
