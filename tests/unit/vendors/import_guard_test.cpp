#include "vendors/import_guard.hpp"

#include <gtest/gtest.h>

namespace dh::vendors {
namespace {

ImportReport read(std::int64_t rows, std::int64_t refused) {
    ImportReport r;
    r.rows = rows;
    r.error_count = refused;
    return r;
}

TEST(ImportGuard, NeverStopsBeforeTheFirstRowsAreRead) {
    ImportGuard g;
    EXPECT_FALSE(g.must_stop(read(199, 199)));
    EXPECT_TRUE(g.must_stop(read(200, 199)));
}

TEST(ImportGuard, StopsOnlyAboveTheShare) {
    ImportGuard g;
    EXPECT_FALSE(g.must_stop(read(200, 160)));  // exactly 80 %
    EXPECT_TRUE(g.must_stop(read(200, 161)));
    EXPECT_FALSE(g.must_stop(read(10000, 3000)));  // a long file with a bad stretch
}

TEST(ImportGuard, TheReasonNamesTheRateAndTheCommonestProblem) {
    ImportGuard g;
    for (int i = 0; i < 150; ++i) g.refused({static_cast<std::size_t>(i + 2), "email", "not a valid email address"});
    for (int i = 0; i < 40; ++i) g.refused({static_cast<std::size_t>(i + 200), "", "the name is required"});
    auto why = g.stop_reason(read(200, 190));
    EXPECT_NE(why.find("Stopped after 200 rows: 190 of them (95%) were refused"), std::string::npos) << why;
    EXPECT_NE(why.find("\"email: not a valid email address\" (150 rows)"), std::string::npos) << why;
}

}  // namespace
}  // namespace dh::vendors
