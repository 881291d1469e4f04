// The outcome recorder keeps every outcome until it is recorded: a database that is away holds them
// (and tells the worker to claim nothing more), and they are recorded, in order and once, when it is back.
#include "delivery/outcome_recorder.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

#include "common/error.hpp"

namespace dh::delivery {
namespace {

Error unavailable() {
    return Error(ErrorKind::unavailable, "database_unavailable", "The database is not reachable; try again.",
                 "server closed the connection unexpectedly");
}

OutcomeRecorder::Options fast() {
    OutcomeRecorder::Options o;
    o.flush_every = std::chrono::hours(1);  // groups are asked for with flush_soon(): no timing in the tests
    o.retry_first = std::chrono::milliseconds(1);
    o.retry_max = std::chrono::milliseconds(2);
    return o;
}

queue_store::Sent sent(const std::string& id) {
    return {id, 250, "250 ok"};
}

/// What the record function saw, by call.
struct Calls {
    std::mutex mutex;
    std::vector<std::vector<std::string>> recorded;  ///< ids of each group that was recorded
    int tries = 0;
    void keep(const OutcomeGroup& g) {
        std::vector<std::string> ids;
        for (auto& s : g.sent) ids.push_back(s.id);
        for (auto& s : g.retries) ids.push_back(s.id);
        for (auto& s : g.failed) ids.push_back(s.id);
        recorded.push_back(ids);
    }
    std::vector<std::string> all() {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (auto& g : recorded) out.insert(out.end(), g.begin(), g.end());
        return out;
    }
};

TEST(OutcomeRecorder, HoldsOutcomesWhileTheDatabaseIsAwayAndRecordsThemOnce) {
    Calls calls;
    std::promise<void> second_try_started, database_back;
    auto back = database_back.get_future().share();
    OutcomeRecorder recorder(
        "w1",
        [&](const OutcomeGroup& g) {
            int n;
            {
                std::lock_guard lock(calls.mutex);
                n = ++calls.tries;
            }
            if (n == 1) throw unavailable();
            if (n == 2) {
                second_try_started.set_value();
                back.wait();
                throw unavailable();
            }
            std::lock_guard lock(calls.mutex);
            calls.keep(g);
        },
        fast());
    recorder.add(sent("a"));
    recorder.add(queue_store::Failed{"b", 550, "550 no", "the mailbox does not exist"});
    auto last = recorder.add(queue_store::Retry{"c", 451, "451 later", "try later", 60});
    recorder.flush_soon();
    second_try_started.get_future().wait();
    // The database is away: the outcomes wait, nothing is dropped, and the worker is told to hold.
    EXPECT_TRUE(recorder.stalled());
    EXPECT_EQ(recorder.waiting(), 3u);
    database_back.set_value();
    recorder.wait(last);
    EXPECT_FALSE(recorder.stalled());
    EXPECT_EQ(recorder.waiting(), 0u);
    EXPECT_EQ(calls.all(), (std::vector<std::string>{"a", "c", "b"}));  // one group: sent, retries, failed
    EXPECT_EQ(calls.recorded.size(), 1u);
}

TEST(OutcomeRecorder, GroupsAreRecordedInOrderAndAtMostGroupMaxAtOnce) {
    Calls calls;
    auto options = fast();
    options.group_max = 2;
    OutcomeRecorder recorder(
        "w1",
        [&](const OutcomeGroup& g) {
            std::lock_guard lock(calls.mutex);
            calls.keep(g);
        },
        options);
    std::uint64_t last = 0;
    for (auto id : {"1", "2", "3", "4", "5"}) last = recorder.add(sent(id));
    recorder.flush_soon();
    recorder.wait(last);
    EXPECT_EQ(calls.all(), (std::vector<std::string>{"1", "2", "3", "4", "5"}));
    for (auto& g : calls.recorded) EXPECT_LE(g.size(), 2u);
}

TEST(OutcomeRecorder, ARowThatCanNeverBeRecordedCostsOnlyItself) {
    Calls calls;
    OutcomeRecorder recorder(
        "w1",
        [&](const OutcomeGroup& g) {
            std::lock_guard lock(calls.mutex);
            for (auto& s : g.sent)
                if (s.id == "poison")
                    throw Error(ErrorKind::internal, "internal", "Internal error.", "22021: invalid byte");
            calls.keep(g);
        },
        fast());
    recorder.add(sent("a"));
    recorder.add(sent("poison"));
    auto last = recorder.add(sent("b"));
    recorder.flush_soon();
    recorder.wait(last);
    EXPECT_EQ(calls.all(), (std::vector<std::string>{"a", "b"}));
    EXPECT_FALSE(recorder.stalled());
}

TEST(OutcomeRecorder, ShutdownGivesUpOnlyAfterItsGracePeriod) {
    std::atomic<int> tries{0};
    OutcomeRecorder recorder(
        "w1",
        [&](const OutcomeGroup&) {
            ++tries;
            throw unavailable();
        },
        fast());
    auto last = recorder.add(sent("a"));
    recorder.flush_soon();
    recorder.shutdown_within(std::chrono::milliseconds(0));
    recorder.wait(last);  // returns: given up (the log says the delivery is sent again after its lease)
    EXPECT_GE(tries.load(), 1);
    recorder.stop();
}

}  // namespace
}  // namespace dh::delivery
