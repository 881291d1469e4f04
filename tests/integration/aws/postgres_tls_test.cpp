// TLS to PostgreSQL as in production (Aurora with rds.force_ssl): a throwaway cluster with a
// generated CA and server certificate that admits TCP clients only over TLS with a password.
// `sslmode=verify-full` with the CA path works through `dispatchhub migrate`; a wrong CA, a wrong
// host name or no TLS fail. The same cluster shows "auth error -> refetch once" after a password
// rotation published in (fake) Secrets Manager.
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aws/credentials.hpp"
#include "aws/fake_aws_server.hpp"
#include "aws/secret_config.hpp"
#include "aws/secrets_manager.hpp"
#include "common/error.hpp"
#include "common/random.hpp"
#include "db/connection.hpp"
#include "db/embedded_postgres.hpp"
#include "db/pool.hpp"
#include "harness/net.hpp"
#include "harness/server.hpp"

namespace fs = std::filesystem;

namespace dh::test {
namespace {

const std::string kPassword = "tls-login-password-1";

void run(const std::string& cmd) {
    if (std::system((cmd + " >/dev/null 2>&1").c_str()) != 0) throw std::runtime_error("failed: " + cmd);
}

/// A CA, a server certificate for "localhost" signed by it, and an unrelated second CA.
void make_certificates(const std::string& dir) {
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dispatchhub-test-ca -keyout " + dir +
        "/ca.key -out " + dir + "/ca.crt");
    run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca -keyout " + dir + "/other.key -out " +
        dir + "/other-ca.crt");
    run("openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout " + dir + "/server.key -out " + dir +
        "/server.csr");
    std::ofstream(dir + "/san.ext") << "subjectAltName=DNS:localhost\n";
    run("openssl x509 -req -in " + dir + "/server.csr -CA " + dir + "/ca.crt -CAkey " + dir +
        "/ca.key -CAcreateserial -days 2 -extfile " + dir + "/san.ext -out " + dir + "/server.crt");
}

/// Hands a file to the cluster owner (PostgreSQL refuses a key readable by others).
void give_to_postgres(const std::string& path, mode_t mode) {
    if (geteuid() == 0) {
        passwd* pw = getpwnam("postgres");
        if (!pw || chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown " + path);
    }
    fs::permissions(path, static_cast<fs::perms>(mode));
}

class PostgresTls : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        base_ = "/tmp/dh-pg-tls-" + random::hex(5);
        tls_ = base_ + "-certs";
        fs::create_directories(tls_);
        make_certificates(tls_);
        // Local socket: trust (the test's own setup); TCP: TLS and a password only.
        std::ofstream(tls_ + "/pg_hba.conf") << "local all all trust\n"
                                                "hostssl all all 127.0.0.1/32 scram-sha-256\n"
                                                "hostssl all all ::1/128 scram-sha-256\n";
        for (auto* f : {"/server.key", "/server.crt", "/pg_hba.conf"}) give_to_postgres(tls_ + f, 0600);
        give_to_postgres(tls_, 0755);
        port_ = free_port();
        db::EmbeddedPostgres::Options options;
        options.base_dir = base_;
        options.database = "dhtls";
        options.tcp_port = port_;
        options.extra_options = "-c ssl=on -c ssl_cert_file=" + tls_ + "/server.crt -c ssl_key_file=" + tls_ +
                                "/server.key -c hba_file=" + tls_ + "/pg_hba.conf -c password_encryption=scram-sha-256";
        cluster_ = new db::EmbeddedPostgres(options);
        auto admin_conninfo = cluster_->start();
        db::Connection admin(admin_conninfo);
        admin.exec_script("CREATE ROLE app LOGIN CREATEROLE PASSWORD '" + kPassword + "'");
        admin.exec_script("ALTER DATABASE dhtls OWNER TO app");
        admin.exec_script("GRANT ALL ON SCHEMA public TO app");
    }

    static void TearDownTestSuite() {
        delete cluster_;  // stops the cluster
        cluster_ = nullptr;
        std::error_code ec;
        fs::remove_all(base_, ec);
        fs::remove_all(tls_, ec);
    }

    static std::string url(const std::string& password, const std::string& host, const std::string& params) {
        return "postgresql://app:" + password + "@" + host + ":" + std::to_string(port_) + "/dhtls?" + params;
    }
    static std::string verify_full(const std::string& ca = "ca.crt") {
        return "sslmode=verify-full&sslrootcert=" + tls_ + "/" + ca;
    }
    static db::Connection admin() { return db::Connection(cluster_->conninfo("dhtls")); }

    static inline std::string base_, tls_;
    static inline int port_ = 0;
    static inline db::EmbeddedPostgres* cluster_ = nullptr;
};

TEST_F(PostgresTls, VerifyFullWithTheCaWorksThroughMigrate) {
    auto database_url = url(kPassword, "localhost", verify_full());
    auto r = run_binary({"migrate"}, {{"DATABASE_URL", database_url}, {"DATA_DIR", base_ + "-data"}});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("migrations:"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(kPassword), std::string::npos) << "password echoed: " << r.output;

    db::Connection conn(database_url);
    auto ssl = conn.exec("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    EXPECT_TRUE(ssl.boolean(0, "ssl"));
    EXPECT_EQ(ssl.text(0, "version").rfind("TLSv1.", 0), 0u);
    EXPECT_GT(conn.exec("SELECT count(*) AS n FROM schema_migrations").integer(0, "n"), 0);
}

TEST_F(PostgresTls, AWrongCaIsRefused) {
    auto r = run_binary({"migrate"}, {{"DATABASE_URL", url(kPassword, "localhost", verify_full("other-ca.crt"))},
                                      {"DATA_DIR", base_ + "-data"}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("certificate verify failed"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find(kPassword), std::string::npos);
}

TEST_F(PostgresTls, AHostNameTheCertificateDoesNotNameIsRefused) {
    auto r = run_binary({"migrate"},
                        {{"DATABASE_URL", url(kPassword, "127.0.0.1", verify_full())}, {"DATA_DIR", base_ + "-data"}});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("does not match host name"), std::string::npos) << r.output;
}

TEST_F(PostgresTls, PlainTcpIsRefusedByTheServer) {
    EXPECT_THROW(db::Connection(url(kPassword, "localhost", "sslmode=disable")), dh::Error);
    // And the libpq environment variables work as an alternative to URL parameters.
    auto r = run_binary({"migrate"}, {{"DATABASE_URL", url(kPassword, "localhost", "connect_timeout=10")},
                                      {"PGSSLMODE", "verify-full"},
                                      {"PGSSLROOTCERT", tls_ + "/ca.crt"},
                                      {"DATA_DIR", base_ + "-data"}});
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(PostgresTls, ARotatedPasswordIsRefetchedOnceFromSecretsManager) {
    const std::string arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dispatchhub/database-RoTaTe";
    auto secret_for = [&](const std::string& password) {
        return nlohmann::json{
            {"username", "app"}, {"password", password}, {"host", "localhost"}, {"port", port_}, {"dbname", "dhtls"}}
            .dump();
    };
    FakeAws aws({{"region", "eu-west-1"},
                 {"credentials", {{"AKIDROTATE", {{"secret", "rotate-secret"}}}}},
                 {"secrets", {{arn, secret_for(kPassword)}}}});
    auto env = env_of({{"DATABASE_SECRET_ARN", arn},
                       {"AWS_ACCESS_KEY_ID", "AKIDROTATE"},
                       {"AWS_SECRET_ACCESS_KEY", "rotate-secret"},
                       {"AWS_ENDPOINT_URL", aws.url()}});
    auto started_with = *aws::resolve_aws_secrets(env)("DATABASE_URL");
    auto connect = [&](const std::string& u) { db::Connection c(u + "?" + verify_full()); };
    connect(started_with);

    // Rotation: the password changes in the database and in the secret; the process still has the old URL.
    const std::string rotated = "tls-login-password-2";
    admin().exec_script("ALTER ROLE app PASSWORD '" + rotated + "'");
    aws.put_secrets({{arn, secret_for(rotated)}});
    aws::DatabaseSecretRefresher refresher(env, std::chrono::seconds(0));
    ASSERT_TRUE(refresher.enabled());
    try {
        connect(started_with);
        FAIL() << "the old password still works";
    } catch (const dh::Error& e) {
        EXPECT_TRUE(aws::is_database_auth_failure(e)) << e.detail();
    }
    auto calls_before = aws.requests_of("GetSecretValue").size();
    auto working = refresher.with_refetch(started_with, connect);
    EXPECT_NE(working, started_with);
    EXPECT_NE(working.find("tls-login-password-2"), std::string::npos);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), calls_before + 1);  // exactly one refetch

    // The pool runs every new connection through the refresher and keeps the URL that worked.
    db::Pool::Options options{started_with, 2, std::chrono::milliseconds(5000), "", {}};
    options.connector = [&](const std::string& u, const db::Pool::Options::Attempt& attempt) {
        return refresher.with_refetch(u, [&](const std::string& v) { attempt(v + "?" + verify_full()); });
    };
    db::Pool pool(options);
    {
        auto conn = pool.acquire();
        EXPECT_EQ(conn->exec("SELECT current_user").text(0, 0), "app");
    }
    EXPECT_EQ(pool.conninfo(), working);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), calls_before + 2);
    calls_before += 1;

    // A password that is wrong everywhere: one refetch, then the original error.
    admin().exec_script("ALTER ROLE app PASSWORD 'tls-login-password-3'");
    EXPECT_THROW(refresher.with_refetch(working, connect), dh::Error);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), calls_before + 2);
    // Errors that are not about the password do not touch Secrets Manager.
    EXPECT_THROW(refresher.with_refetch(working, [](const std::string&) { throw std::runtime_error("disk full"); }),
                 std::runtime_error);
    EXPECT_EQ(aws.requests_of("GetSecretValue").size(), calls_before + 2);
    admin().exec_script("ALTER ROLE app PASSWORD '" + kPassword + "'");
}

}  // namespace
}  // namespace dh::test
