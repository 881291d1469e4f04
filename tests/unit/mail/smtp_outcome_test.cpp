#include "mail/smtp_outcome.hpp"

#include <gtest/gtest.h>

namespace dh::mail::smtp {
namespace {

Reply reply(const std::string& wire) {
    Reply r;
    std::size_t used = 0;
    EXPECT_EQ(ReplyParser::parse(wire, r, used), ReplyParser::Status::complete) << wire;
    return r;
}

TEST(SmtpOutcome, AcceptedKeepsTheRelayReply) {
    auto r = classify(reply("250 Ok 0100018c-ses-message-id\r\n"), Step::dot);
    EXPECT_EQ(r.outcome, Outcome::sent);
    EXPECT_EQ(r.smtp_code, 250);
    EXPECT_EQ(r.reply, "250 Ok 0100018c-ses-message-id");
}

TEST(SmtpOutcome, TemporaryRepliesDefer) {
    auto mail = classify(reply("451 4.3.0 try later\r\n"), Step::mail);
    EXPECT_EQ(mail.outcome, Outcome::deferred);
    EXPECT_EQ(mail.reason, "the relay temporarily refused the sender");
    auto rcpt = classify(reply("450 4.2.1 mailbox busy\r\n"), Step::rcpt);
    EXPECT_EQ(rcpt.reason, "the relay temporarily refused the recipient");
    auto dot = classify(reply("452 4.3.1 Insufficient system storage\r\n"), Step::dot);
    EXPECT_EQ(dot.outcome, Outcome::deferred);
    EXPECT_EQ(dot.reason, "the relay temporarily refused the message");
    auto closing = classify(reply("421 4.3.2 shutting down\r\n"), Step::rcpt);
    EXPECT_EQ(closing.outcome, Outcome::deferred);
    EXPECT_EQ(closing.reason, "the relay is temporarily unavailable");
}

TEST(SmtpOutcome, ThrottlingWithAndWithoutHint) {
    auto ses = classify(reply("454 Throttling failure: Maximum sending rate exceeded.\r\n"), Step::mail);
    EXPECT_EQ(ses.outcome, Outcome::deferred);
    EXPECT_EQ(ses.reason, "the relay is throttling us");
    EXPECT_FALSE(ses.retry_after_seconds);
    auto hinted = classify(reply("451 4.7.1 Rate limited, try again in 30 seconds\r\n"), Step::rcpt);
    EXPECT_EQ(hinted.reason, "the relay is throttling us");
    ASSERT_TRUE(hinted.retry_after_seconds);
    EXPECT_EQ(*hinted.retry_after_seconds, 30);
    EXPECT_TRUE(is_throttling(reply("454 4.7.0 Temporary failure\r\n")));
    EXPECT_FALSE(is_throttling(reply("451 4.7.1 Greylisted, please try again later\r\n")));
    EXPECT_FALSE(is_throttling(reply("451 4.3.0 Error: queue file write error (generate)\r\n")));
    EXPECT_FALSE(is_throttling(reply("554 5.7.1 rate limit\r\n")));  // permanent is never throttling
}

TEST(SmtpOutcome, RetryHints) {
    EXPECT_EQ(retry_hint_seconds("try again in 2 minutes"), 120);
    EXPECT_EQ(retry_hint_seconds("retry after 45s"), 45);
    EXPECT_EQ(retry_hint_seconds("slow down for 1 hour"), 3600);
    EXPECT_EQ(retry_hint_seconds("4.7.0 wait 10 sec"), 10);
    EXPECT_FALSE(retry_hint_seconds("4.7.0 sending rate exceeded"));
    EXPECT_FALSE(retry_hint_seconds("max 100 messages"));
    EXPECT_EQ(retry_hint_seconds("in 99999999 seconds"), 86400);
}

TEST(SmtpOutcome, PermanentRepliesFailWithPlainReasons) {
    auto unknown = classify(reply("550 5.1.1 <bob@x>: Recipient address rejected: User unknown\r\n"), Step::rcpt);
    EXPECT_EQ(unknown.outcome, Outcome::failed);
    EXPECT_EQ(unknown.reason, "the mailbox does not exist");
    EXPECT_EQ(unknown.reply, "550 5.1.1 <bob@x>: Recipient address rejected: User unknown");
    EXPECT_EQ(classify(reply("550 No such user here\r\n"), Step::rcpt).reason, "the mailbox does not exist");
    EXPECT_EQ(classify(reply("552 5.2.2 Mailbox full\r\n"), Step::rcpt).reason, "the mailbox is full");
    EXPECT_EQ(classify(reply("554 5.7.1 Spam detected\r\n"), Step::dot).reason, "the relay refused the message");
    EXPECT_EQ(classify(reply("552 5.3.4 Message size exceeds limit\r\n"), Step::dot).reason,
              "the message is too large for the relay");
    EXPECT_EQ(classify(reply("553 5.1.8 bad sender\r\n"), Step::mail).reason, "the relay refused the sender");
    EXPECT_EQ(classify(reply("554 5.5.1 no valid recipients\r\n"), Step::data).outcome, Outcome::failed);
}

TEST(SmtpOutcome, AuthenticationRequiredIsARelayProblemNotAFailure) {
    auto r = classify(reply("530 5.7.0 Authentication required\r\n"), Step::mail);
    EXPECT_EQ(r.outcome, Outcome::deferred);
    EXPECT_TRUE(r.relay_problem);
}

TEST(SmtpOutcome, NoReply) {
    EXPECT_EQ(io_failure(IoFailure::dropped).reason, "the connection dropped");
    EXPECT_EQ(io_failure(IoFailure::timeout).reason, "the relay did not answer in time");
    EXPECT_EQ(io_failure(IoFailure::timeout).outcome, Outcome::deferred);
    EXPECT_EQ(io_failure(IoFailure::connect).smtp_code, 0);
}

}  // namespace
}  // namespace dh::mail::smtp
