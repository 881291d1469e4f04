// Turning Secrets Manager secrets into configuration values (pure parts; the fetch is tested in
// tests/integration/aws against a local server).
#include "aws/secret_config.hpp"

#include <gtest/gtest.h>

#include "aws/secrets_manager.hpp"
#include "common/error.hpp"

namespace dh::aws {
namespace {

TEST(DatabaseSecret, RdsStyleSecretBecomesALibpqUrl) {
    auto url = database_url_from_secret(R"({"username":"dispatchhub_admin","password":"p@ss:w/rd%","engine":"postgres",
        "host":"db.cluster-abc.eu-west-1.rds.amazonaws.com","port":5432,"dbname":"dispatchhub","dbClusterIdentifier":"x"})");
    EXPECT_EQ(url,
              "postgresql://dispatchhub_admin:p%40ss%3Aw%2Frd%25@db.cluster-abc.eu-west-1.rds.amazonaws.com:5432/"
              "dispatchhub");
}

TEST(DatabaseSecret, DefaultsSocketsAndIpv6) {
    EXPECT_EQ(database_url_from_secret(R"({"username":"u","password":"p","host":"h"})"),
              "postgresql://u:p@h:5432/postgres");
    EXPECT_EQ(
        database_url_from_secret(R"({"username":"u","password":"p","host":"/tmp/pg sock","port":"6543","dbname":"d"})"),
        "postgresql://u:p@%2Ftmp%2Fpg%20sock:6543/d");
    EXPECT_EQ(database_url_from_secret(R"({"username":"u","password":"p","host":"::1","dbname":"d"})"),
              "postgresql://u:p@[::1]:5432/d");
}

TEST(DatabaseSecret, BadSecretsNameTheVariableButNeverTheValue) {
    for (const char* secret : {"not json hunter2", R"({"username":"u","password":"hunter2"})",
                               R"({"username":"u","password":"hunter2","host":"h","port":"x5"})",
                               R"({"username":"","password":"hunter2","host":"h"})"}) {
        try {
            database_url_from_secret(secret);
            FAIL() << secret;
        } catch (const ConfigError& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("DATABASE_SECRET_ARN"), std::string::npos) << what;
            EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
        }
    }
}

TEST(SmtpSecret, CredentialsAreMergedIntoTheRelayUrl) {
    EXPECT_EQ(smtp_url_with_credentials("smtp://email-smtp.eu-west-1.amazonaws.com:587",
                                        R"({"username":"AKIAX","password":"a/b+c="})"),
              "smtp://AKIAX:a%2Fb%2Bc%3D@email-smtp.eu-west-1.amazonaws.com:587");
    EXPECT_THROW(smtp_url_with_credentials("smtp://u:p@relay:587", R"({"username":"a","password":"b"})"), ConfigError);
    EXPECT_THROW(smtp_url_with_credentials("relay:587", R"({"username":"a","password":"b"})"), ConfigError);
}

TEST(SecretsConfig, NothingToResolveLeavesTheEnvironmentAlone) {
    int calls = 0;
    EnvLookup env = [&](const std::string& n) -> std::optional<std::string> {
        ++calls;
        if (n == "DATABASE_URL") return "postgresql://x";
        return std::nullopt;
    };
    auto resolved = resolve_aws_secrets(env);
    EXPECT_EQ(resolved("DATABASE_URL").value_or(""), "postgresql://x");
}

TEST(SecretsConfig, RegionOfArn) {
    EXPECT_EQ(region_of_arn("arn:aws:secretsmanager:eu-central-1:123456789012:secret:dispatchhub/database-AbCdEf"),
              "eu-central-1");
    EXPECT_EQ(region_of_arn("dispatchhub/database"), "");
}

TEST(SecretsConfig, AuthFailuresAreRecognised) {
    Error auth(ErrorKind::unavailable, "database_unavailable", "The database is not reachable; try again.",
               "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed for "
               "user \"app\"");
    Error down(ErrorKind::unavailable, "database_unavailable", "The database is not reachable; try again.",
               "connection to server at \"127.0.0.1\", port 5432 failed: Connection refused");
    EXPECT_TRUE(is_database_auth_failure(auth));
    EXPECT_FALSE(is_database_auth_failure(down));
}

}  // namespace
}  // namespace dh::aws
