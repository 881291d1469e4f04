#include <gtest/gtest.h>

#include "common/error.hpp"
#include "inbox/sns.hpp"

namespace dh::inbox {
namespace {

// Shapes from the SES developer guide ("Contents of notifications for Amazon SES").
TEST(SesNotification, PermanentBounce) {
    SesEvent e = parse_ses_notification(R"({
      "notificationType":"Bounce",
      "bounce":{"bounceType":"Permanent","bounceSubType":"General",
        "bouncedRecipients":[{"emailAddress":"jane@example.com","action":"failed","status":"5.1.1",
                              "diagnosticCode":"smtp; 550 5.1.1 user unknown"}],
        "timestamp":"2016-01-27T14:59:38.237Z","feedbackId":"0000013786031775-163e3910-53eb-4c8e-a04a-f29debf88a84-000000",
        "remoteMtaIp":"127.0.2.0","reportingMTA":"dsn; a8-70.smtp-out.amazonses.com"},
      "mail":{"timestamp":"2016-01-27T14:59:38.237Z","source":"john@example.com",
        "messageId":"0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000",
        "destination":["jane@example.com"],"headersTruncated":false,
        "headers":[{"name":"From","value":"John Doe <john@example.com>"},
                   {"name":"Message-ID","value":"<d-42.r-7@dispatchhub.example>"}],
        "commonHeaders":{"from":["John Doe <john@example.com>"],"subject":"Hello"}}})");
    EXPECT_EQ(e.type, SesEventType::bounce);
    EXPECT_EQ(e.bounce_type, "Permanent");
    EXPECT_EQ(e.bounce_sub_type, "General");
    EXPECT_EQ(e.ses_message_id, "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000");
    EXPECT_EQ(e.header_message_id, "d-42.r-7@dispatchhub.example");
    ASSERT_EQ(e.recipients.size(), 1u);
    EXPECT_EQ(e.recipients[0].address, "jane@example.com");
    EXPECT_EQ(e.recipients[0].diagnostic, "smtp; 550 5.1.1 user unknown");
    EXPECT_EQ(e.recipients[0].bounce, BounceClass::hard);
}

TEST(SesNotification, TransientBounceComplaintDeliveryReceived) {
    SesEvent soft = parse_ses_notification(
        R"({"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull",
            "bouncedRecipients":[{"emailAddress":"full@example.com"}]},
            "mail":{"messageId":"m1","commonHeaders":{"messageId":"<x@y.example>"}}})");
    EXPECT_EQ(soft.recipients.at(0).bounce, BounceClass::soft);
    EXPECT_EQ(soft.header_message_id, "x@y.example");

    SesEvent complaint = parse_ses_notification(
        R"({"eventType":"Complaint","complaint":{"complainedRecipients":[{"emailAddress":"r@example.com"}],
            "complaintFeedbackType":"abuse","timestamp":"2024-01-01T00:00:00Z"},"mail":{"messageId":"m2"}})");
    EXPECT_EQ(complaint.type, SesEventType::complaint);
    EXPECT_EQ(complaint.complaint_feedback_type, "abuse");
    EXPECT_EQ(complaint.recipients.at(0).address, "r@example.com");

    SesEvent delivery = parse_ses_notification(
        R"({"notificationType":"Delivery","delivery":{"recipients":["ok@example.com"],"smtpResponse":"250 ok"},"mail":{"messageId":"m3"}})");
    EXPECT_EQ(delivery.type, SesEventType::delivery);
    EXPECT_EQ(delivery.recipients.at(0).diagnostic, "250 ok");

    SesEvent received = parse_ses_notification(
        R"({"notificationType":"Received","receipt":{"recipients":["reply+abc@in.example"],"action":{"type":"SNS","encoding":"BASE64"}},
            "mail":{"messageId":"m4"},"content":"U3ViamVjdDogaGkNCg0KYm9keQ0K"})");
    EXPECT_EQ(received.type, SesEventType::received);
    EXPECT_EQ(received.content, "Subject: hi\r\n\r\nbody\r\n");
    EXPECT_EQ(received.recipients.at(0).address, "reply+abc@in.example");

    EXPECT_EQ(parse_ses_notification(R"({"notificationType":"Open"})").type, SesEventType::other);
    EXPECT_THROW(parse_ses_notification("{"), Error);
}

}  // namespace
}  // namespace dh::inbox
