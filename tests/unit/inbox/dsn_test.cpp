#include "inbox/dsn.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "mail/mime_parser.hpp"

namespace dh::inbox {
namespace {

Report report_of(const std::string& name, bool null_sender = false) {
    auto path = std::filesystem::path(__FILE__).parent_path() / "../../data/dsn" / name;
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_report(mail::parse_message(ss.str()), null_sender);
}

TEST(Dsn, Rfc3464ReportWithHardAndSoftRecipients) {
    Report r = report_of("rfc3464_report.eml", true);
    EXPECT_EQ(r.kind, ReportKind::delivery_status);
    EXPECT_EQ(r.format, "rfc3464");
    EXPECT_EQ(r.reporting_mta, "mx.partner.example");
    EXPECT_EQ(r.original_envelope_id, "d42r7");
    EXPECT_EQ(r.original_message_id, "d-42.r-7@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 2u);
    EXPECT_EQ(r.recipients[0].address, "buyer@partner.example");
    EXPECT_EQ(r.recipients[0].original_recipient, "Buyer@Partner.example");
    EXPECT_EQ(r.recipients[0].action, "failed");
    EXPECT_EQ(r.recipients[0].status, "5.1.1");
    EXPECT_EQ(r.recipients[0].diagnostic, "smtp; 550-5.1.1 The email account that you tried to reach does not exist.");
    EXPECT_EQ(r.recipients[0].remote_mta, "inbound.partner.example");
    EXPECT_EQ(r.recipients[0].bounce, BounceClass::hard);
    EXPECT_EQ(r.recipients[1].address, "full@partner.example");
    EXPECT_EQ(r.recipients[1].status, "4.2.2");
    EXPECT_EQ(r.recipients[1].bounce, BounceClass::soft);
}

TEST(Dsn, PostfixBounce) {
    Report r = report_of("postfix_bounce.eml", true);
    EXPECT_EQ(r.kind, ReportKind::delivery_status);
    EXPECT_EQ(r.format, "postfix");
    EXPECT_EQ(r.original_message_id, "d-42.r-8@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, "sales@vendor.example");
    EXPECT_EQ(r.recipients[0].bounce, BounceClass::hard);
    EXPECT_EQ(
        r.recipients[0].diagnostic,
        "smtp; 550 5.1.1 <sales@vendor.example>: Recipient address rejected: User unknown in virtual mailbox table");
}

TEST(Dsn, TheAcceptanceCheckDsn) {
    // Byte for byte what /work/shared/acceptance/lib/reply.py sends in mode "dsn".
    std::string vendor = "v1@vendors.example";
    std::string raw =
        "From: MAILER-DAEMON@mx.vendor.example\r\nTo: bounce+abc@dispatchhub.example\r\nSubject: Undelivered Mail "
        "Returned to Sender\r\n"
        "Date: Wed, 08 May 2024 09:00:00 -0000\r\nMessage-ID: <171.1.2@mx.vendor.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: text/plain\r\n\r\nThe mailbox does not exist.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.vendor.example\r\n\r\n"
        "Final-Recipient: rfc822; " +
        vendor +
        "\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <d-1.r-2@dispatchhub.example>\r\nTo: " +
        vendor + "\r\n\r\n--b1--\r\n";
    Report r = parse_report(mail::parse_message(raw), true);
    EXPECT_EQ(r.kind, ReportKind::delivery_status);
    EXPECT_EQ(r.reporting_mta, "mx.vendor.example");
    EXPECT_EQ(r.original_message_id, "d-1.r-2@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, vendor);
    EXPECT_EQ(r.recipients[0].diagnostic, "smtp; 550 5.1.1 user unknown");
    EXPECT_EQ(r.recipients[0].bounce, BounceClass::hard);
}

TEST(Dsn, ArfComplaint) {
    Report r = report_of("arf_complaint.eml");
    EXPECT_EQ(r.kind, ReportKind::complaint);
    EXPECT_EQ(r.format, "arf");
    EXPECT_EQ(r.feedback_type, "abuse");
    EXPECT_EQ(r.user_agent, "SomeGenerator/1.0");
    EXPECT_EQ(r.original_message_id, "d-42.r-9@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, "annoyed@isp.example");
    EXPECT_EQ(r.recipients[0].action, "complained");
}

TEST(Dsn, QmailTextBounce) {
    Report r = report_of("qmail_text_bounce.eml");
    EXPECT_EQ(r.kind, ReportKind::delivery_status);
    EXPECT_EQ(r.format, "text");
    EXPECT_EQ(r.original_message_id, "d-42.r-10@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, "gone@oldvendor.example");
    EXPECT_EQ(r.recipients[0].status, "5.1.1");
    EXPECT_EQ(r.recipients[0].bounce, BounceClass::hard);
}

TEST(Dsn, EximTemporaryTextBounce) {
    Report r = report_of("exim_text_bounce.eml");
    EXPECT_EQ(r.kind, ReportKind::delivery_status);
    EXPECT_EQ(r.original_message_id, "d-42.r-11@dispatchhub.example");
    ASSERT_EQ(r.recipients.size(), 1u);
    EXPECT_EQ(r.recipients[0].address, "quota@exim.vendor.example");
    EXPECT_EQ(r.recipients[0].status, "4.2.2");
    EXPECT_EQ(r.recipients[0].bounce, BounceClass::soft);
}

TEST(Dsn, OrdinaryMailIsNoReport) {
    EXPECT_EQ(report_of("ordinary_reply.eml").kind, ReportKind::none);
    EXPECT_EQ(report_of("../mime/alternative_with_attachments.eml", true).kind, ReportKind::none);
}

TEST(Dsn, TruncatedAndCorruptedReportsNeverCrash) {
    std::mt19937 rng(7);
    for (std::string name :
         {"rfc3464_report.eml", "postfix_bounce.eml", "arf_complaint.eml", "qmail_text_bounce.eml"}) {
        auto path = std::filesystem::path(__FILE__).parent_path() / "../../data/dsn" / name;
        std::ifstream in(path, std::ios::binary);
        std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (int round = 0; round < 200; ++round) {
            std::string damaged = raw.substr(0, rng() % (raw.size() + 1));
            if (!damaged.empty() && round % 2) damaged[rng() % damaged.size()] = static_cast<char>(rng());
            Report r = parse_report(mail::parse_message(damaged), round % 3 == 0);
            for (auto& rec : r.recipients) EXPECT_LE(rec.diagnostic.size(), damaged.size());
        }
    }
}

TEST(Dsn, Classification) {
    EXPECT_EQ(classify("5.7.1", "failed", ""), BounceClass::hard);
    EXPECT_EQ(classify("4.4.7", "failed", ""), BounceClass::soft);
    EXPECT_EQ(classify("", "delayed", ""), BounceClass::soft);
    EXPECT_EQ(classify("2.0.0", "delivered", ""), BounceClass::none);
    EXPECT_EQ(classify("", "failed", "smtp; 421 try later"), BounceClass::soft);
    EXPECT_EQ(classify("", "failed", ""), BounceClass::hard);
    EXPECT_EQ(find_enhanced_status("said: 550-5.1.1 <a@b.c> x"), "5.1.1");
    EXPECT_EQ(find_enhanced_status("version 1.5.1.2 and 15.1.1"), "");
    EXPECT_EQ(find_smtp_code("host said: 552-5.2.2 full"), 552);
    EXPECT_EQ(find_smtp_code("port 4500 x450"), 0);
    EXPECT_EQ(
        find_addresses("<A@Example.COM>, a@example.com; bad@nodot x@y.org."),
        (std::vector<std::string>{"A@example.com", "a@example.com", "x@y.org"}));  // local parts are case-sensitive
}

}  // namespace
}  // namespace dh::inbox
