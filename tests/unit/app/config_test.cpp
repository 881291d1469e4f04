#include "app/config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace dh {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& k) -> std::optional<std::string> {
        auto it = vars.find(k);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

const std::string kGoodSecret = "0123456789abcdef0123456789abcdef-good";

std::string error_of(std::map<std::string, std::string> vars, bool needs_jwt = true) {
    try {
        Config::load(env_of(std::move(vars)), {.jwt_secret = needs_jwt});
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(Config, DefaultsWithOnlyASecret) {
    auto c = Config::load(env_of({{"JWT_SECRET", kGoodSecret}}), {.jwt_secret = true});
    EXPECT_EQ(c.data_dir, "./var");
    EXPECT_EQ(c.http_host, "127.0.0.1");
    EXPECT_EQ(c.http_port, 8080);
    EXPECT_FALSE(c.database_url.has_value());
    EXPECT_TRUE(c.log_json);
    EXPECT_EQ(c.mail_domain, "dispatchhub.localhost");
    EXPECT_EQ(c.worker_batch, 100);
}

TEST(Config, BillingCloseIntervalDefaultsToHourlyAndZeroTurnsItOff) {
    EXPECT_EQ(Config::load(env_of({}), {}).billing_close_interval_seconds, 3600);
    EXPECT_EQ(Config::load(env_of({{"BILLING_CLOSE_INTERVAL_SECONDS", "0"}}), {}).billing_close_interval_seconds, 0);
    EXPECT_NE(error_of({{"BILLING_CLOSE_INTERVAL_SECONDS", "-1"}}, false).find("BILLING_CLOSE_INTERVAL_SECONDS"),
              std::string::npos);
}

TEST(Config, PlatformSenderDefaultsToSupportAtTheMailDomain) {
    EXPECT_EQ(Config::load(env_of({{"MAIL_DOMAIN", "Mail.Example.com"}}), {}).platform_sender,
              "support@mail.example.com");
    auto c = Config::load(env_of({{"PLATFORM_SENDER", "help@example.com"}, {"PLATFORM_SENDER_NAME", "Ops"}}), {});
    EXPECT_EQ(c.platform_sender, "help@example.com");
    EXPECT_EQ(c.platform_sender_name, "Ops");
    for (auto bad : {"Support <help@example.com>", "help", "help@example.com\r\nBcc: x@example.com"})
        EXPECT_NE(error_of({{"PLATFORM_SENDER", bad}}, false).find("PLATFORM_SENDER"), std::string::npos) << bad;
    EXPECT_NE(error_of({{"PLATFORM_SENDER_NAME", "a\r\nBcc: x"}}, false).find("PLATFORM_SENDER_NAME"),
              std::string::npos);
}

TEST(Config, TrustedProxiesDefaultToNoneAndMustBeRanges) {
    EXPECT_EQ(Config::load(env_of({}), {}).trusted_proxies, "");
    EXPECT_EQ(Config::load(env_of({{"TRUSTED_PROXIES", "10.0.0.0/16"}}), {}).trusted_proxies, "10.0.0.0/16");
    auto e = error_of({{"TRUSTED_PROXIES", "10.0.0.0/16, the-vpc"}}, false);
    EXPECT_NE(e.find("TRUSTED_PROXIES"), std::string::npos) << e;
}

TEST(Config, MissingSecretNamesTheVariable) {
    auto e = error_of({});
    EXPECT_NE(e.find("JWT_SECRET"), std::string::npos) << e;
}

TEST(Config, ShortSecretRefusedWithoutEchoingIt) {
    auto e = error_of({{"JWT_SECRET", "tiny-secret"}});
    EXPECT_NE(e.find("JWT_SECRET"), std::string::npos);
    EXPECT_EQ(e.find("tiny-secret"), std::string::npos) << "the error must not contain the secret";
}

TEST(Config, PlaceholderSecretsRefused) {
    for (std::string s : {"changemechangemechangemechangeme12", "your-secret-here-your-secret-here-xx",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
        EXPECT_NE(error_of({{"JWT_SECRET", s}}), "") << s;
    }
}

TEST(Config, SecretFromFile) {
    std::string path = "/tmp/dh-config-test-secret";
    std::ofstream(path) << kGoodSecret << "\n";
    auto c = Config::load(env_of({{"JWT_SECRET_FILE", path}}), {.jwt_secret = true});
    EXPECT_EQ(c.jwt_secret, kGoodSecret);
    EXPECT_NE(error_of({{"JWT_SECRET_FILE", "/nonexistent/file"}}).find("JWT_SECRET_FILE"), std::string::npos);
    EXPECT_NE(error_of({{"JWT_SECRET_FILE", path}, {"JWT_SECRET", kGoodSecret}}), "");
}

TEST(Config, SecretNotNeededForAdminCommands) {
    EXPECT_EQ(error_of({}, false), "");
}

TEST(Config, InvalidValuesNameTheirVariable) {
    std::map<std::string, std::string> cases = {
        {"HTTP_LISTEN", "nonsense"}, {"HTTP_LISTEN", "1.2.3.4:99999"}, {"LOG_FORMAT", "xml"}, {"LOG_LEVEL", "loud"},
        {"DB_POOL_SIZE", "zero"},    {"WORKER_EMBEDDED", "maybe"},     {"WORKER_BATCH", "0"}};
    for (auto& [var, value] : cases) {
        auto e = error_of({{"JWT_SECRET", kGoodSecret}, {var, value}});
        EXPECT_NE(e.find(var), std::string::npos) << var << "=" << value << " -> " << e;
    }
}

TEST(Config, ListenAddressParsed) {
    auto c =
        Config::load(env_of({{"JWT_SECRET", kGoodSecret}, {"HTTP_LISTEN", "0.0.0.0:9090"}, {"SMTP_LISTEN", "off"}}),
                     {.jwt_secret = true});
    EXPECT_EQ(c.http_host, "0.0.0.0");
    EXPECT_EQ(c.http_port, 9090);
    EXPECT_FALSE(c.smtp_listen_enabled);
}

TEST(Config, InboundSmtpSettings) {
    auto c = Config::load(env_of({{"JWT_SECRET", kGoodSecret}}), {.jwt_secret = true});
    EXPECT_TRUE(c.smtp_listen_enabled);
    EXPECT_EQ(c.smtp_listen_port, 2525);
    EXPECT_EQ(c.smtp_max_sessions, 100);
    c = Config::load(env_of({{"JWT_SECRET", kGoodSecret},
                             {"SMTP_LISTEN", "0.0.0.0:25"},
                             {"SMTP_MAX_SESSIONS", "7"},
                             {"SMTP_MAX_MESSAGE_BYTES", "100000"}}),
                     {.jwt_secret = true});
    EXPECT_EQ(c.smtp_listen_host, "0.0.0.0");
    EXPECT_EQ(c.smtp_listen_port, 25);
    EXPECT_EQ(c.smtp_max_sessions, 7);
    EXPECT_EQ(c.smtp_max_message_bytes, 100000u);
    EXPECT_NE(error_of({{"JWT_SECRET", kGoodSecret}, {"SMTP_TLS_CERT", "/x.pem"}}).find("SMTP_TLS_KEY"),
              std::string::npos);
    EXPECT_NE(error_of({{"JWT_SECRET", kGoodSecret}, {"SMTP_MAX_SESSIONS", "0"}}).find("SMTP_MAX_SESSIONS"),
              std::string::npos);
}

TEST(Config, WebhookSettingsAreStrictByDefault) {
    auto c = Config::load(env_of({{"JWT_SECRET", kGoodSecret}}), {.jwt_secret = true});
    EXPECT_FALSE(c.webhook_allow_private);
    EXPECT_FALSE(c.webhook_allow_http);
    EXPECT_EQ(c.webhook_retry_base_seconds, 60);
    EXPECT_EQ(c.webhook_retry_max_age_seconds, 21600);
    c = Config::load(env_of({{"JWT_SECRET", kGoodSecret},
                             {"WEBHOOK_ALLOW_PRIVATE", "1"},
                             {"WEBHOOK_ALLOW_HTTP", "1"},
                             {"WEBHOOK_RETRY_BASE_SECONDS", "1"},
                             {"WEBHOOK_TIMEOUT_SECONDS", "3"}}),
                     {.jwt_secret = true});
    EXPECT_TRUE(c.webhook_allow_private);
    EXPECT_TRUE(c.webhook_allow_http);
    EXPECT_EQ(c.webhook_retry_base_seconds, 1);
    EXPECT_EQ(c.webhook_timeout_seconds, 3);
    EXPECT_NE(error_of({{"JWT_SECRET", kGoodSecret}, {"WEBHOOK_ALLOW_PRIVATE", "maybe"}}).find("WEBHOOK_ALLOW_PRIVATE"),
              std::string::npos);
    EXPECT_NE(error_of({{"JWT_SECRET", kGoodSecret}, {"WEBHOOK_TIMEOUT_SECONDS", "0"}}).find("WEBHOOK_TIMEOUT_SECONDS"),
              std::string::npos);
}

}  // namespace
}  // namespace dh
