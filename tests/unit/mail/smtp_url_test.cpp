#include "mail/smtp_url.hpp"

#include <gtest/gtest.h>

#include "app/config.hpp"

namespace dh::mail {
namespace {

std::string error_of(const std::string& url) {
    try {
        SmtpUrl::parse(url);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(SmtpUrl, PlainSmtpRequiresStarttlsByDefault) {
    auto u = SmtpUrl::parse("smtp://relay.example.com:2587");
    EXPECT_EQ(u.host, "relay.example.com");
    EXPECT_EQ(u.port, 2587);
    EXPECT_EQ(u.tls, SmtpUrl::Tls::starttls);
    EXPECT_TRUE(u.verify);
    EXPECT_FALSE(u.has_auth());
}

TEST(SmtpUrl, DefaultPorts) {
    EXPECT_EQ(SmtpUrl::parse("smtp://relay").port, 587);
    EXPECT_EQ(SmtpUrl::parse("smtps://relay").port, 465);
    EXPECT_EQ(SmtpUrl::parse("smtps://relay").tls, SmtpUrl::Tls::implicit);
}

TEST(SmtpUrl, OptionsAndPercentDecodedCredentials) {
    auto u = SmtpUrl::parse("smtp://AKIA%2Fx:p%40ss%3Aw%25rd@[::1]:25?tls=none&verify=0");
    EXPECT_EQ(u.user, "AKIA/x");
    EXPECT_EQ(u.password, "p@ss:w%rd");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.port, 25);
    EXPECT_EQ(u.tls, SmtpUrl::Tls::none);
    EXPECT_FALSE(u.verify);
    auto t = SmtpUrl::parse("smtps://u:p@mail.example.com?ca=/etc/ca%20bundle.pem");
    EXPECT_EQ(t.ca_file, "/etc/ca bundle.pem");
}

TEST(SmtpUrl, UnescapedAtInPasswordUsesTheLastAt) {
    auto u = SmtpUrl::parse("smtp://user:pa@ss@host:25");
    EXPECT_EQ(u.password, "pa@ss");
    EXPECT_EQ(u.host, "host");
}

TEST(SmtpUrl, RedactedNeverShowsThePassword) {
    auto u = SmtpUrl::parse("smtp://me%40x.com:s3cr3t-pass@relay:587?ca=/ca.pem");
    auto r = u.redacted();
    EXPECT_EQ(r, "smtp://me%40x.com:***@relay:587?ca=/ca.pem");
    EXPECT_EQ(r.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(SmtpUrl::parse("smtp://[::1]:25?tls=none").redacted(), "smtp://[::1]:25?tls=none");
}

TEST(SmtpUrl, ErrorsNameTheVariableAndNeverTheSecret) {
    EXPECT_EQ(error_of("http://relay:25"), "SMTP_URL: must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)");
    EXPECT_EQ(error_of("smtp://relay:0"), "SMTP_URL: the port must be a number from 1 to 65535");
    EXPECT_EQ(error_of("smtp://relay:99999"), "SMTP_URL: the port must be a number from 1 to 65535");
    EXPECT_EQ(error_of("smtp://relay:2x"), "SMTP_URL: the port must be a number from 1 to 65535");
    EXPECT_EQ(error_of("smtp://:25"), "SMTP_URL: the host is missing (smtp://host:port)");
    EXPECT_EQ(error_of("smtp://relay:25?tls=maybe"), "SMTP_URL: tls must be starttls or none");
    EXPECT_EQ(error_of("smtps://relay?tls=none"), "SMTP_URL: tls= is not allowed with smtps:// (it is always TLS)");
    EXPECT_EQ(error_of("smtp://relay?verify=no"), "SMTP_URL: verify must be 1 or 0");
    EXPECT_EQ(error_of("smtp://relay?foo=1"), "SMTP_URL: unknown parameter 'foo' (known: tls, ca, verify)");
    EXPECT_EQ(error_of("smtp://relay/path"), "SMTP_URL: must not contain a path (smtp://host:port?options)");
    EXPECT_EQ(error_of("smtp://user@relay"),
              "SMTP_URL: a user name is given without a password (smtp://user:password@host:port)");
    auto bad_escape = error_of("smtp://user:hunter2%zz@relay");
    EXPECT_EQ(bad_escape, "SMTP_URL: the password has a bad percent-escape (use %XX, e.g. %40 for @)");
    EXPECT_EQ(bad_escape.find("hunter2"), std::string::npos);
    EXPECT_EQ(error_of("smtp://relay?tls=none&ca=/x.pem"), "SMTP_URL: ca= makes no sense with tls=none");
}

}  // namespace
}  // namespace dh::mail
