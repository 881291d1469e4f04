#include "dispatch/states.hpp"

#include <gtest/gtest.h>

#include <set>

namespace dh::dispatch {
namespace {

TEST(States, EveryStateHasOneDistinctNameThatReadsBack) {
    std::set<std::string_view> names;
    for (auto s : kDispatchStates) {
        EXPECT_EQ(dispatch_state_from(to_string(s)), s);
        names.insert(to_string(s));
    }
    EXPECT_EQ(names.size(), kDispatchStates.size());
    names.clear();
    for (auto s : kDeliveryStates) {
        EXPECT_EQ(delivery_state_from(to_string(s)), s);
        names.insert(to_string(s));
    }
    EXPECT_EQ(names.size(), kDeliveryStates.size());
}

TEST(States, TheDatabasesSpellingAndNoOther) {
    // The words of the CHECK constraints in migrations/0004_dispatch.sql.
    EXPECT_EQ(to_string(DispatchState::pending_approval), "pending_approval");
    EXPECT_EQ(to_string(DeliveryState::complained), "complained");
    EXPECT_FALSE(dispatch_state_from("Queued"));
    EXPECT_FALSE(dispatch_state_from("deferred")) << "a delivery state, not a dispatch state";
    EXPECT_FALSE(delivery_state_from(""));
    EXPECT_THROW(stored_delivery_state("lost"), std::logic_error);
}

TEST(States, OnlyQueuedSendingAndDeferredDeliveriesAreLive) {
    std::set<DeliveryState> live;
    for (auto s : kDeliveryStates)
        if (is_live(s)) live.insert(s);
    EXPECT_EQ(live, (std::set<DeliveryState>{DeliveryState::queued, DeliveryState::sending, DeliveryState::deferred}));
}

TEST(States, ActionsAreNamedAsTheirRoutesAndAuditEntries) {
    EXPECT_EQ(to_string(DispatchAction::retry_failed), "retry-failed");
    EXPECT_EQ(past_tense(DispatchAction::retry_failed), "retried");
    EXPECT_EQ(past_tense(DispatchAction::cancel), "cancelled");
    EXPECT_EQ(past_tense(DispatchAction::pause), "paused");
}

}  // namespace
}  // namespace dh::dispatch
