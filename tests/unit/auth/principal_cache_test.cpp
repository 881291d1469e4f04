#include "auth/principal_cache.hpp"

#include <gtest/gtest.h>

namespace dh::auth {
namespace {

using namespace std::chrono_literals;

class PrincipalCacheTest : public ::testing::Test {
protected:
    std::chrono::steady_clock::time_point now{};
    PrincipalCache cache{10s, [this] { return now; }};

    static Candidate user(const std::string& id, const std::string& tenant, std::int64_t version = 0) {
        Candidate c;
        c.user.id = id;
        c.user.tenant_id = tenant;
        c.token_version = version;
        return c;
    }
    static ApiKeyRow key(const std::string& id, const std::string& tenant) {
        ApiKeyRow k;
        k.id = id;
        k.tenant_id = tenant;
        return k;
    }
    void SetUp() override { cache.set_listening(true); }
};

TEST_F(PrincipalCacheTest, KeepsARowForItsTimeToLive) {
    cache.put_user("u1", user("u1", "t1", 3), cache.generation());
    ASSERT_TRUE(cache.user("u1"));
    EXPECT_EQ(cache.user("u1")->token_version, 3);
    now += 9s;
    EXPECT_TRUE(cache.user("u1"));
    now += 1s;
    EXPECT_FALSE(cache.user("u1")) << "expired";
    EXPECT_FALSE(cache.user("u2"));
}

TEST_F(PrincipalCacheTest, ARowReadBeforeADropIsNotKept) {
    const auto before = cache.generation();          // a request starts reading the user ...
    cache.drop_user("u1");                           // ... another commits a change and drops it ...
    cache.put_user("u1", user("u1", "t1"), before);  // ... the row read first must not come back
    EXPECT_FALSE(cache.user("u1"));
    cache.put_api_key("h1", key("k1", "t1"), before);
    EXPECT_FALSE(cache.api_key("h1"));
}

TEST_F(PrincipalCacheTest, NoticesDropUsersTenantsAndKeys) {
    auto fill = [&] {
        const auto g = cache.generation();
        cache.put_user("u1", user("u1", "t1"), g);
        cache.put_user("u2", user("u2", "t2"), g);
        cache.put_api_key("h1", key("k1", "t1"), g);
        cache.put_api_key("h2", key("k2", "t2"), g);
    };
    fill();
    cache.apply_notice("u:u1");
    EXPECT_FALSE(cache.user("u1"));
    EXPECT_TRUE(cache.user("u2"));
    EXPECT_TRUE(cache.api_key("h1"));

    fill();
    cache.apply_notice("t:t1");
    EXPECT_FALSE(cache.user("u1"));
    EXPECT_FALSE(cache.api_key("h1"));
    EXPECT_TRUE(cache.user("u2"));
    EXPECT_TRUE(cache.api_key("h2"));

    fill();
    cache.apply_notice("k:k2");
    EXPECT_FALSE(cache.api_key("h2"));
    EXPECT_TRUE(cache.api_key("h1"));

    fill();
    cache.apply_notice("something else");
    EXPECT_FALSE(cache.user("u2")) << "an unknown notice clears everything";
    EXPECT_FALSE(cache.api_key("h1"));
}

TEST_F(PrincipalCacheTest, NothingIsKeptWhileChangesAreNotHeard) {
    cache.put_user("u1", user("u1", "t1"), cache.generation());
    cache.set_listening(false);
    EXPECT_FALSE(cache.user("u1")) << "the listener went away: what was kept may be stale";
    cache.put_user("u1", user("u1", "t1"), cache.generation());
    EXPECT_FALSE(cache.user("u1"));
    cache.set_listening(true);
    EXPECT_FALSE(cache.user("u1")) << "back with an empty cache";
    cache.put_user("u1", user("u1", "t1"), cache.generation());
    EXPECT_TRUE(cache.user("u1"));
}

TEST(PrincipalCache, AZeroTimeToLiveKeepsNothing) {
    PrincipalCache off(0s);
    off.set_listening(true);
    off.put_user("u1", Candidate{}, off.generation());
    EXPECT_FALSE(off.user("u1"));
}

TEST_F(PrincipalCacheTest, AFullCacheStartsOver) {
    const auto g = cache.generation();
    for (std::size_t i = 0; i < PrincipalCache::kMaxEntries; ++i)
        cache.put_user("u" + std::to_string(i), user("u", "t"), g);
    EXPECT_TRUE(cache.user("u0"));
    cache.put_user("one more", user("x", "t"), g);
    EXPECT_FALSE(cache.user("u0"));
    EXPECT_TRUE(cache.user("one more"));
}

}  // namespace
}  // namespace dh::auth
