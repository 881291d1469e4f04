#include "db/sqlstate.hpp"

#include <gtest/gtest.h>

namespace dh::db {
namespace {

TEST(Sqlstate, ConstraintViolationsBecomeClientErrorsNamingTheConstraint) {
    auto dup = error_from_sqlstate("23505", "duplicate key value", "vendors_code_key");
    EXPECT_EQ(dup.kind(), ErrorKind::conflict);
    EXPECT_EQ(dup.code(), "already_exists");
    EXPECT_EQ(error_from_sqlstate("23503", "violates foreign key", "").kind(), ErrorKind::unprocessable);
    for (auto state : {"23514", "23502", "22001"})
        EXPECT_EQ(error_from_sqlstate(state, "m", "").code(), "validation_failed") << state;
    for (auto state : {"22P02", "22007", "22008", "22003"})
        EXPECT_EQ(error_from_sqlstate(state, "m", "").kind(), ErrorKind::bad_request) << state;
}

TEST(Sqlstate, RowLevelSecurityRefusalsLookLikeNotFound) {
    auto e = error_from_sqlstate("42501", "new row violates row-level security policy", "");
    EXPECT_EQ(e.kind(), ErrorKind::not_found);
    EXPECT_EQ(e.message().find("row-level"), std::string::npos) << "the server's message stays internal";
}

TEST(Sqlstate, ARuleFunctionsRefusalCarriesItsCodeMessageAndLimit) {
    auto e = error_from_sqlstate("DH409", "The plan allows 2 vendors; this tenant has reached it.",
                                 "vendor_limit_reached", "2");
    EXPECT_EQ(e.kind(), ErrorKind::conflict);
    EXPECT_EQ(e.code(), "vendor_limit_reached");
    EXPECT_EQ(e.message(), "The plan allows 2 vendors; this tenant has reached it.");
    ASSERT_TRUE(e.extensions().count("limit"));
    EXPECT_EQ(std::get<std::int64_t>(e.extensions().at("limit")), 2);
    EXPECT_FALSE(error_from_sqlstate("DH409", "m", "x", "2 vendors").extensions().count("limit"))
        << "a detail that is not a number is not a limit";
    EXPECT_EQ(error_from_sqlstate("DH409", "m", "", "").code(), "conflict");
}

TEST(Sqlstate, OnlySerializationFailuresAndDeadlocksAreRetried) {
    EXPECT_TRUE(is_retryable_sqlstate("40001"));
    EXPECT_TRUE(is_retryable_sqlstate("40P01"));
    for (auto state : {"23505", "08006", "57P01", "", "40002"}) EXPECT_FALSE(is_retryable_sqlstate(state)) << state;
}

TEST(Sqlstate, ALostOrRefusedConnectionIsUnavailableAndUnknownCodesInternal) {
    for (auto state : {"08006", "08001", "57P01", "53300", ""})
        EXPECT_EQ(error_from_sqlstate(state, "server closed the connection", "").kind(), ErrorKind::unavailable)
            << state;
    EXPECT_EQ(error_from_sqlstate("57014", "canceling statement due to statement timeout", "").code(), "timeout");
    auto other = error_from_sqlstate("XX000", "internal error", "");
    EXPECT_EQ(other.kind(), ErrorKind::internal);
    EXPECT_EQ(other.message().find("XX000"), std::string::npos) << "the code goes to the detail, not the client";
    EXPECT_NE(other.detail().find("XX000"), std::string::npos);
}

}  // namespace
}  // namespace dh::db
