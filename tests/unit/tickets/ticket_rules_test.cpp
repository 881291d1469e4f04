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

Ticket ticket() {
    Ticket t;
    t.id = "1a2b3c4d-0000-4000-8000-000000000001";
    t.tenant_name = "Acme\r\nBcc: x@example.com";  // free text; must not reach a header as a line break
    t.subject = "Invoice question";
    t.priority = "high";
    t.category = "billing";
    return t;
}

TEST(TicketNotices, TenantMessagesGoToThePlatform) {
    auto n = notice_to_platform(ticket(), "alice@acme.test", "Why is it 49 EUR?", true);
    EXPECT_EQ(n.audience, "platform");
    EXPECT_EQ(n.event, "ticket.opened");
    EXPECT_EQ(n.subject, "[Ticket 1a2b3c4d] New ticket from Acme  Bcc: x@example.com: Invoice question");
    EXPECT_NE(n.body.find("Why is it 49 EUR?"), std::string::npos);
    EXPECT_NE(n.body.find("1a2b3c4d-0000-4000-8000-000000000001"), std::string::npos);
    EXPECT_EQ(notice_to_platform(ticket(), "alice@acme.test", "More", false).event, "ticket.replied");
}

TEST(TicketNotices, PlatformAnswersGoToTheTenant) {
    auto reply = notice_of_reply(ticket(), "It is the Tiny plan.");
    EXPECT_EQ(reply.audience, "tenant");
    EXPECT_EQ(reply.subject, "[Ticket 1a2b3c4d] Support replied: Invoice question");
    EXPECT_NE(reply.body.find("It is the Tiny plan."), std::string::npos);
    auto status = notice_of_status(ticket(), "resolved");
    EXPECT_EQ(status.audience, "tenant");
    EXPECT_EQ(status.event, "ticket.status_changed");
    EXPECT_EQ(status.subject, "[Ticket 1a2b3c4d] Now resolved: Invoice question");
}

}  // namespace
}  // namespace dh::tickets
