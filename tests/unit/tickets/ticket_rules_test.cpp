#include <gtest/gtest.h>

#include "common/error.hpp"
#include "tickets/ticket_service.hpp"

namespace dh::tickets {
namespace {

TEST(TicketRules, RepliesMoveTheStatus) {
    EXPECT_EQ(status_after_reply("pending", "tenant"), "open");
    EXPECT_EQ(status_after_reply("resolved", "tenant"), "open");
    EXPECT_EQ(status_after_reply("open", "platform"), "pending");
    EXPECT_THROW(status_after_reply("closed", "tenant"), Error);
    EXPECT_THROW(status_after_reply("closed", "platform"), Error);
}

TEST(TicketRules, NewTicketsAreChecked) {
    EXPECT_NO_THROW(validate(NewTicket{"Invoice question", "Why?", std::nullopt, std::nullopt}));
    EXPECT_NO_THROW(validate(NewTicket{"Invoice question", "Why?", "billing", "urgent"}));
    EXPECT_THROW(validate(NewTicket{"Bad\r\nBcc: x", "Why?", std::nullopt, std::nullopt}), Error);
    EXPECT_THROW(validate(NewTicket{"Subject", "  ", std::nullopt, std::nullopt}), Error);
    EXPECT_THROW(validate(NewTicket{"Subject", "Why?", "sales", std::nullopt}), Error);
    EXPECT_THROW(validate(NewTicket{"Subject", "Why?", std::nullopt, "critical"}), Error);
}

TEST(TicketRules, ChangesAreChecked) {
    EXPECT_NO_THROW(validate(TicketChanges{"resolved", "high", std::optional<std::string>()}));
    EXPECT_THROW(validate(TicketChanges{"done", std::nullopt, std::nullopt}), Error);
    EXPECT_THROW(validate(TicketChanges{std::nullopt, std::nullopt, std::optional<std::string>("not-a-uuid")}), Error);
}

}  // namespace
}  // namespace dh::tickets
