// Smaller dispatch rules over the real API: a send time in the past is refused naming send_at;
// deliveries are listed in natural order (contact 2 before contact 10), also across pages.
#include <gtest/gtest.h>

#include "dispatch/dispatch_fixture.hpp"
#include "harness/server.hpp"

namespace dh::test {
namespace {

struct ScheduleAndOrder : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
};

TEST_F(ScheduleAndOrder, SendTimeInThePastIsRefusedNamingSendAt) {
    auto list = import_vendors(acme, 2);
    auto body = dispatch_body(list);
    body["send_at"] = "2020-01-01T09:00:00Z";
    auto past = acme.http.post("/api/v1/dispatches", body);
    EXPECT_EQ(past.status, 422) << past.body;
    EXPECT_EQ(past.json().value("field", ""), "send_at");
    EXPECT_EQ(acme.http.get("/api/v1/dispatches").json()["items"].size(), 0u);
    body["send_at"] = "2999-01-01T09:00:00Z";
    auto later = acme.http.post("/api/v1/dispatches", body);
    EXPECT_EQ(later.status, 201) << later.body;
    EXPECT_EQ(later.json()["status"], "scheduled");
}

TEST_F(ScheduleAndOrder, DeliveriesAreListedInNaturalOrder) {
    auto list = import_vendors(acme, 12);  // ap0@vendor0.example … ap11@vendor11.example
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    std::string id = created.json()["id"];
    std::vector<std::string> emails;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
        auto r = acme.http.get("/api/v1/dispatches/" + id + "/deliveries?limit=5" +
                               (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        auto j = r.json();
        for (auto& d : j["items"]) emails.push_back(d["email"]);
        if (!j["next_cursor"].is_string()) break;
        cursor = j["next_cursor"];
    }
    ASSERT_EQ(emails.size(), 12u);
    for (int i = 0; i < 12; ++i)
        EXPECT_EQ(emails[static_cast<std::size_t>(i)],
                  "ap" + std::to_string(i) + "@vendor" + std::to_string(i) + ".example");
}

}  // namespace
}  // namespace dh::test
