// Secrets Manager and AWS credentials against a local server that verifies every SigV4 signature
// independently (tests/tools/fake_aws.py): environment keys, the IMDSv2 instance-role flow and its
// refresh, wrong keys, and secrets turned into configuration.
#include "aws/secrets_manager.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "app/config.hpp"
#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "aws/fake_aws_server.hpp"
#include "aws/secret_config.hpp"
#include "db/connection.hpp"
#include "db/migrate.hpp"
#include "harness/cluster.hpp"

namespace dh::test {
namespace {

const std::string kKey = "AKIDDISPATCHHUB";
const std::string kSecretKey = "dispatchhub/test+secret/key";
const std::string kJwtArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dispatchhub/jwt-AbCdEf";
const std::string kDbArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dispatchhub/database-XyZ123";
const std::string kSmtpArn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dispatchhub/smtp-QwErTy";
const std::string kJwtValue = "0123456789abcdef0123456789abcdef-jwt-from-secrets-manager";

nlohmann::json base_config() {
    return {{"region", "eu-west-1"},
            {"credentials", {{kKey, {{"secret", kSecretKey}}}}},
            {"secrets", {{kJwtArn, kJwtValue}}},
            {"imds", {{"role", "dispatchhub-backend"}, {"expiry_seconds", 3600}}}};
}

std::map<std::string, std::string> keys_env(const FakeAws& aws, const std::string& secret = kSecretKey) {
    return {{"AWS_ACCESS_KEY_ID", kKey},
            {"AWS_SECRET_ACCESS_KEY", secret},
            {"AWS_ENDPOINT_URL_SECRETS_MANAGER", aws.url()},
            {"AWS_EC2_METADATA_DISABLED", "true"}};
}

TEST(SecretsManager, GetSecretValueIsSignedAndVerifiedByTheServer) {
    FakeAws aws(base_config());
    auto env = env_of(keys_env(aws));
    aws::SecretsManager secrets(env, aws::CredentialsProvider::from_env(env));
    EXPECT_EQ(secrets.get_secret_value(kJwtArn), kJwtValue);
    EXPECT_EQ(secrets.get_secret_value(kJwtArn), kJwtValue);
    auto calls = aws.requests_of("GetSecretValue");
    ASSERT_EQ(calls.size(), 2u);
    for (auto& c : calls) {
        EXPECT_TRUE(c["signature_ok"].get<bool>()) << c.dump();
        EXPECT_EQ(c["access_key"], kKey);
        EXPECT_EQ(c["secret_id"], kJwtArn);
        EXPECT_EQ(c["content_type"], "application/x-amz-json-1.1");
    }
}

TEST(SecretsManager, AWrongSecretKeyIsRejectedByTheServer) {
    FakeAws aws(base_config());
    auto env = env_of(keys_env(aws, "not-the-right-secret-key"));
    aws::SecretsManager secrets(env, aws::CredentialsProvider::from_env(env));
    try {
        secrets.get_secret_value(kJwtArn);
        FAIL() << "a wrong key was accepted";
    } catch (const aws::AwsError& e) {
        EXPECT_EQ(e.code(), "InvalidSignatureException");
        EXPECT_EQ(std::string(e.what()).find("not-the-right-secret-key"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find(kJwtValue), std::string::npos);
    }
    auto calls = aws.requests_of("GetSecretValue");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_FALSE(calls[0]["signature_ok"].get<bool>());
}

TEST(SecretsManager, UnknownKeysAndSecretsAreAwsErrors) {
    FakeAws aws(base_config());
    auto vars = keys_env(aws);
    vars["AWS_ACCESS_KEY_ID"] = "AKIDSOMEONEELSE";
    auto env = env_of(vars);
    aws::SecretsManager stranger(env, aws::CredentialsProvider::from_env(env));
    try {
        stranger.get_secret_value(kJwtArn);
        FAIL();
    } catch (const aws::AwsError& e) {
        EXPECT_EQ(e.code(), "UnrecognizedClientException");
    }
    // The generic AWS_ENDPOINT_URL also routes the call.
    auto generic =
        env_of({{"AWS_ACCESS_KEY_ID", kKey}, {"AWS_SECRET_ACCESS_KEY", kSecretKey}, {"AWS_ENDPOINT_URL", aws.url()}});
    aws::SecretsManager secrets(generic, aws::CredentialsProvider::from_env(generic));
    try {
        secrets.get_secret_value(kDbArn);
        FAIL();
    } catch (const aws::AwsError& e) {
        EXPECT_EQ(e.code(), "ResourceNotFoundException");
        EXPECT_EQ(e.status(), 400);
    }
}

TEST(SecretsManager, InstanceRoleCredentialsThroughImdsV2) {
    FakeAws aws(base_config());
    auto env = env_of({{"AWS_EC2_METADATA_ENDPOINT", aws.url()}, {"AWS_ENDPOINT_URL", aws.url()}});
    auto provider = aws::CredentialsProvider::from_env(env);
    EXPECT_EQ(provider->source(), "instance-role");
    aws::SecretsManager secrets(env, provider);
    EXPECT_EQ(secrets.get_secret_value(kJwtArn), kJwtValue);

    auto imds = aws.requests_of("/latest/");
    ASSERT_EQ(imds.size(), 3u) << imds.dump();
    EXPECT_EQ(imds[0]["method"], "PUT");  // the IMDSv2 session token first
    EXPECT_EQ(imds[0]["ttl"], "21600");
    EXPECT_EQ(imds[1]["path"], "/latest/meta-data/iam/security-credentials/");
    EXPECT_EQ(imds[2]["path"], "/latest/meta-data/iam/security-credentials/dispatchhub-backend");
    EXPECT_TRUE(imds[1]["token_ok"].get<bool>());
    EXPECT_TRUE(imds[2]["token_ok"].get<bool>());
    auto call = aws.requests_of("GetSecretValue").at(0);
    EXPECT_TRUE(call["signature_ok"].get<bool>());  // includes the session token check
    EXPECT_EQ(call["access_key"].get<std::string>().rfind("ASIAIMDS", 0), 0u);
}

TEST(SecretsManager, RoleCredentialsAreRefreshedBeforeTheyExpire) {
    FakeAws aws(base_config());  // the fake issues credentials valid for 3600 s
    auto offset = std::make_shared<std::chrono::seconds>(0);
    aws::CredentialsProvider::Options options;
    options.imds_endpoint = aws.url();
    options.refresh_before = std::chrono::seconds(300);
    options.clock = [offset] { return std::chrono::system_clock::now() + *offset; };
    aws::CredentialsProvider provider(options);

    auto first = provider.get();
    EXPECT_EQ(provider.get().access_key_id, first.access_key_id);  // cached
    *offset = std::chrono::seconds(3000);                          // 10 minutes before expiry: still fresh
    EXPECT_EQ(provider.get().access_key_id, first.access_key_id);
    *offset = std::chrono::seconds(3400);  // inside the refresh window
    auto second = provider.get();
    EXPECT_NE(second.access_key_id, first.access_key_id);
    EXPECT_EQ(aws.requests_of("/latest/meta-data/iam/security-credentials/dispatchhub-backend").size(), 2u);
    provider.invalidate();  // e.g. after ExpiredToken
    EXPECT_NE(provider.get().access_key_id, second.access_key_id);
}

TEST(SecretsManager, SecretsBecomeConfiguration) {
    TestDatabase db("awssecret");
    auto url = db.url();  // postgresql://postgres@127.0.0.1:<port>/<name> (trust authentication)
    auto port = url.substr(url.rfind(':') + 1, url.rfind('/') - url.rfind(':') - 1);
    FakeAws aws(base_config());
    aws.put_secrets({{kDbArn, nlohmann::json{{"username", "postgres"},
                                             {"password", "p@ss/w:rd"},
                                             {"engine", "postgres"},
                                             {"host", "127.0.0.1"},
                                             {"port", std::stoi(port)},
                                             {"dbname", db.name()}}
                                  .dump()},
                     {kSmtpArn, R"({"username":"AKIASMTPUSER","password":"smtp/pass+word="})"}});
    auto vars = keys_env(aws);
    vars["DATABASE_SECRET_ARN"] = kDbArn;
    vars["JWT_SECRET_SECRET_ARN"] = kJwtArn;
    vars["SMTP_URL_SECRET_ARN"] = kSmtpArn;
    vars["SMTP_URL"] = "smtp://email-smtp.eu-west-1.amazonaws.com:587";
    auto config = Config::load(aws::resolve_aws_secrets(env_of(vars)), {.jwt_secret = true});
    EXPECT_EQ(config.jwt_secret, kJwtValue);
    EXPECT_EQ(*config.database_url, "postgresql://postgres:p%40ss%2Fw%3Ard@127.0.0.1:" + port + "/" + db.name());
    EXPECT_EQ(*config.smtp_url, "smtp://AKIASMTPUSER:smtp%2Fpass%2Bword%3D@email-smtp.eu-west-1.amazonaws.com:587");
    // The URL really works: migrations run through it.
    auto report = db::migrate(*config.database_url);
    EXPECT_GT(report.current, 0);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), 3u);
}

TEST(SecretsManager, ConfigurationErrorsNameTheVariableAndNeverTheSecret) {
    FakeAws aws(base_config());
    auto with = [&](std::map<std::string, std::string> extra, const std::string& key = kSecretKey) {
        auto vars = keys_env(aws, key);
        for (auto& [k, v] : extra) vars[k] = v;
        return env_of(vars);
    };
    auto expect_error = [](const EnvLookup& env, const std::string& needle) {
        try {
            aws::resolve_aws_secrets(env);
            ADD_FAILURE() << "no error, wanted: " << needle;
        } catch (const ConfigError& e) {
            std::string what = e.what();
            EXPECT_NE(what.find(needle), std::string::npos) << what;
            EXPECT_EQ(what.find(kJwtValue), std::string::npos) << what;
            EXPECT_EQ(what.find(kSecretKey), std::string::npos) << what;
        }
    };
    expect_error(with({{"DATABASE_SECRET_ARN", kDbArn}, {"DATABASE_URL", "postgresql://x"}}),
                 "DATABASE_SECRET_ARN and DATABASE_URL are both set");
    expect_error(with({{"JWT_SECRET_SECRET_ARN", kJwtArn}, {"JWT_SECRET_FILE", "/x"}}), "JWT_SECRET_FILE are both set");
    expect_error(with({{"DATABASE_SECRET_ARN", kDbArn}}), "DATABASE_SECRET_ARN: cannot read the secret");
    expect_error(with({{"DATABASE_SECRET_ARN", kJwtArn}}), "DATABASE_SECRET_ARN: the secret is not JSON");
    expect_error(with({{"JWT_SECRET_SECRET_ARN", kJwtArn}}, "wrong-key"), "InvalidSignatureException");
}

// Throttling and server errors at start pass by themselves: they are tried again with backoff, and
// only a problem that outlasts AWS_SECRETS_RETRY_SECONDS (or one no retry can fix) stops the start.
TEST(SecretsManager, TransientErrorsAtStartAreTriedAgain) {
    auto config = base_config();
    config["secret_failures"] = {{kJwtArn, 2}};  // a ThrottlingException (400), then an InternalServiceError (500)
    FakeAws aws(config);
    auto vars = keys_env(aws);
    vars["JWT_SECRET_SECRET_ARN"] = kJwtArn;
    auto resolved = aws::resolve_aws_secrets(env_of(vars));
    EXPECT_EQ(resolved("JWT_SECRET"), kJwtValue);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), 3u);
}

TEST(SecretsManager, TransientErrorsGiveUpAfterTheRetryWindowAndPermanentOnesAtOnce) {
    auto config = base_config();
    config["secret_failures"] = {{kJwtArn, 101}};  // odd: a ThrottlingException first
    FakeAws aws(config);
    auto vars = keys_env(aws);
    vars["JWT_SECRET_SECRET_ARN"] = kJwtArn;
    vars["AWS_SECRETS_RETRY_SECONDS"] = "0";
    try {
        aws::resolve_aws_secrets(env_of(vars));
        ADD_FAILURE() << "a throttled secret was read";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("ThrottlingException"), std::string::npos) << e.what();
    }
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), 1u);

    vars["AWS_SECRETS_RETRY_SECONDS"] = "120";
    vars["JWT_SECRET_SECRET_ARN"] = kDbArn;  // no such secret: ResourceNotFoundException, never retried
    EXPECT_THROW(aws::resolve_aws_secrets(env_of(vars)), ConfigError);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), 2u);

    vars["AWS_SECRETS_RETRY_SECONDS"] = "soon";
    EXPECT_THROW(aws::resolve_aws_secrets(env_of(vars)), ConfigError);
}

TEST(SecretsManager, ThePythonVerifierAgreesWithAwsPublishedVectors) {
    // The server that judges our signatures is itself checked against AWS's test suite.
    std::string cmd = "/usr/bin/python3 " + tools_dir() + "/fake_aws.py --check-vectors " + std::string(DH_SOURCE_DIR) +
                      "/tests/data/sigv4 >/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
}

}  // namespace
}  // namespace dh::test
