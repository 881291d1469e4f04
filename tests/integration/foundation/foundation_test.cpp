// The foundation against real processes: the binary's fail-fast config, the embedded cluster,
// migrations under concurrency, problem+json over real sockets, graceful shutdown.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>

#include "common/random.hpp"
#include "db/connection.hpp"
#include "db/migrate.hpp"
#include "harness/server.hpp"
#include "harness/wait.hpp"

namespace fs = std::filesystem;

namespace dh::test {
namespace {

TEST(Foundation, ServeWithoutSecretFailsFastNamingIt) {
    auto r = run_binary({"serve"}, {{"DATA_DIR", "/tmp/dh-nosecret"}}, 20);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("JWT_SECRET"), std::string::npos) << r.output;
    auto weak = run_binary({"serve"}, {{"DATA_DIR", "/tmp/dh-nosecret"}, {"JWT_SECRET", "short-secret-value"}}, 20);
    EXPECT_NE(weak.exit_code, 0);
    EXPECT_NE(weak.output.find("JWT_SECRET"), std::string::npos);
    EXPECT_EQ(weak.output.find("short-secret-value"), std::string::npos) << "secret echoed: " << weak.output;
}

/// A socket listening on a loopback port (a port another program holds); closed on destruction.
struct HeldPort {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    HeldPort() {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("cannot hold a loopback port");
        port = ntohs(addr.sin_port);
    }
    ~HeldPort() { close(fd); }
};

// A port in use ends serve with the reason and status 1, whichever listener meets it. The inbound
// SMTP listener meets it after the HTTP one is up and the features run: its failure used to free the
// listener after the io_context it was bound to (a heap-use-after-free under the sanitizers, and no
// reason printed).
TEST(Foundation, ServeWhosePortIsTakenSaysSoAndExits) {
    TestDatabase db("busy", Schema::migrated);
    HeldPort held;
    const std::string taken = "127.0.0.1:" + std::to_string(held.port);
    const std::string dir = "/tmp/dh-busy-" + random::hex(4);
    Env env = {{"JWT_SECRET", random::hex(32)}, {"DATABASE_URL", db.url()}, {"DATA_DIR", dir}};
    for (const char* which : {"SMTP_LISTEN", "HTTP_LISTEN"}) {
        Env e = env;
        e["HTTP_LISTEN"] = "127.0.0.1:" + std::to_string(free_port());
        e["SMTP_LISTEN"] = "127.0.0.1:" + std::to_string(free_port());
        e[which] = taken;
        auto r = run_binary({"serve"}, e, 60);
        EXPECT_EQ(r.exit_code, 1) << which << ": " << r.output;
        EXPECT_NE(r.output.find("Address already in use"), std::string::npos) << which << ": " << r.output;
        EXPECT_EQ(r.output.find("AddressSanitizer"), std::string::npos) << which << ": " << r.output;
    }
    fs::remove_all(dir);
}

TEST(Foundation, HelpAndVersion) {
    auto v = run_binary({"--version"}, {});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_NE(v.output.find("dispatchhub"), std::string::npos);
    auto h = run_binary({"--help"}, {});
    EXPECT_EQ(h.exit_code, 0);
    for (auto sub : {"serve", "worker", "migrate", "admin"}) EXPECT_NE(h.output.find(sub), std::string::npos) << sub;
}

TEST(Foundation, MigrationsAreIdempotentAndSafeConcurrently) {
    TestDatabase db("mig");
    Env env = {{"DATABASE_URL", db.url()}};
    auto a = std::async(std::launch::async, [&] { return run_binary({"migrate"}, env); });
    auto b = std::async(std::launch::async, [&] { return run_binary({"migrate"}, env); });
    auto ra = a.get(), rb = b.get();
    EXPECT_EQ(ra.exit_code, 0) << ra.output;
    EXPECT_EQ(rb.exit_code, 0) << rb.output;
    db::Connection conn(db.conninfo());
    auto count = conn.exec("SELECT count(*) AS n, max(version) AS v FROM schema_migrations");
    EXPECT_EQ(count.integer(0, "n"), static_cast<long>(db::embedded_migrations().size()));
    auto again = run_binary({"migrate"}, env);
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_NE(again.output.find("0 applied"), std::string::npos) << again.output;
}

TEST(Foundation, AMigrationMissingBelowTheNewestIsStillApplied) {
    // Two branches each adding a migration can land in either order: a database that already has
    // the higher one must still get the lower one.
    TestDatabase db("miggap");
    Env env = {{"DATABASE_URL", db.url()}};
    ASSERT_EQ(run_binary({"migrate"}, env).exit_code, 0);
    db::Connection conn(db.conninfo());
    conn.exec_script("DROP TABLE worker_heartbeats; DELETE FROM schema_migrations WHERE version = 8");
    auto again = run_binary({"migrate"}, env);
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("1 applied"), std::string::npos) << again.output;
    EXPECT_EQ(conn.exec("SELECT count(*) AS n FROM schema_migrations WHERE version = 8").integer(0, "n"), 1);
    EXPECT_TRUE(conn.exec("SELECT to_regclass('worker_heartbeats') IS NOT NULL AS t").boolean(0, "t"));
    EXPECT_NE(again.output.find("schema at version " + std::to_string(db::embedded_migrations().back().version)),
              std::string::npos)
        << "the reported schema version stays the newest: " << again.output;
}

TEST(Foundation, ApplicationRoleIsUnprivilegedAndOwnsNothing) {
    TestDatabase db("roles");
    ASSERT_EQ(run_binary({"migrate"}, {{"DATABASE_URL", db.url()}}).exit_code, 0);
    db::Connection conn(db.conninfo());
    auto role = conn.exec("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'dispatchhub_app'");
    ASSERT_EQ(role.rows(), 1);
    EXPECT_FALSE(role.boolean(0, "rolsuper"));
    EXPECT_FALSE(role.boolean(0, "rolbypassrls"));
    auto owned = conn.exec(
        "SELECT count(*) AS n FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = "
        "'dispatchhub_app'");
    EXPECT_EQ(owned.integer(0, "n"), 0);
}

TEST(Foundation, ServeOnATemplateCopyFindsNothingToMigrate) {
    // Test servers run on copies of one migrated template database: the copy must be exactly what
    // `migrate` makes, so that serve applies nothing and every test still runs the real schema.
    TestServer server;
    server.stop();
    std::optional<nlohmann::json> ready;
    std::istringstream lines(server.log());
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.value("msg", "") == "database ready") ready = j;
    }
    ASSERT_TRUE(ready.has_value()) << server.log();
    EXPECT_EQ((*ready)["applied"], 0) << server.log();
    EXPECT_EQ((*ready)["schema_version"], db::embedded_migrations().back().version);
    db::Connection admin(cluster_conninfo());
    auto copy = admin.exec("SELECT 1 FROM pg_database WHERE datname = $1", {server.database().name()});
    EXPECT_EQ(copy.rows(), 1) << "each server has a database of its own";
    EXPECT_NE(server.database().name(), migrated_template());
}

TEST(Foundation, ProblemJsonOverTheWire) {
    TestServer server;
    auto http = server.client();
    auto nf = http.get("/api/v1/no-such-thing");
    EXPECT_EQ(nf.status, 404);
    EXPECT_EQ(nf.header("content-type"), "application/problem+json");
    EXPECT_EQ(nf.json()["status"], 404);
    EXPECT_EQ(nf.json()["request_id"], nf.header("x-request-id"));

    auto wrong_method = http.request("DELETE", "/healthz");
    EXPECT_EQ(wrong_method.status, 405);
    EXPECT_EQ(wrong_method.header("allow"), "GET");

    std::string big(2 * 1024 * 1024, 'x');
    auto too_big = http.request("POST", "/api/v1/openapi.json", big);
    EXPECT_EQ(too_big.status, 413);
    EXPECT_EQ(too_big.json()["code"], "body_too_large");

    auto echoed = http.request("GET", "/healthz", "", {{"X-Request-Id", "trace-abc-123"}});
    EXPECT_EQ(echoed.header("x-request-id"), "trace-abc-123");
    auto forged = http.request("GET", "/healthz", "", {{"X-Request-Id", "bad id\" with junk"}});
    EXPECT_NE(forged.header("x-request-id"), "bad id\" with junk");
    EXPECT_FALSE(forged.header("x-request-id").empty());
}

TEST(Foundation, OperationsEndpoints) {
    TestServer server;
    auto http = server.client();
    auto ready = http.get("/readyz");
    EXPECT_EQ(ready.status, 200);
    EXPECT_EQ(ready.json()["schema_version"], db::embedded_migrations().back().version);
    http.get("/healthz");
    http.get("/healthz");
    http.request("BREW", "/healthz");  // a made-up method is counted, under "other"
    http.request("BREW", "/no/such/route");
    auto metrics = http.get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("# TYPE http_requests_total counter"), std::string::npos);
    EXPECT_NE(metrics.body.find("route=\"/healthz\""), std::string::npos);
    auto line_of = [&](const std::string& start) {
        auto pos = metrics.body.find("\n" + start);
        return pos == std::string::npos ? std::string()
                                        : metrics.body.substr(pos + 1, metrics.body.find('\n', pos + 1) - pos - 1);
    };
    EXPECT_EQ(line_of("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
              "http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2")
        << metrics.body;
    EXPECT_EQ(line_of("http_requests_total{method=\"other\",route=\"method_not_allowed\",status=\"405\"}"),
              "http_requests_total{method=\"other\",route=\"method_not_allowed\",status=\"405\"} 1")
        << metrics.body;
    EXPECT_NE(line_of("http_requests_total{method=\"other\",route=\"unmatched\""), "") << metrics.body;
    EXPECT_EQ(metrics.body.find("BREW"), std::string::npos) << "a method the client made up became a label";
    EXPECT_NE(metrics.body.find("db_pool_connections"), std::string::npos);
    auto doc = http.get("/api/v1/openapi.json");
    EXPECT_EQ(doc.json()["openapi"], "3.1.0");
    EXPECT_EQ(server.log().find(server.jwt_secret()), std::string::npos) << "JWT secret in the log";
}

TEST(Foundation, LogLinesAreJsonWithRequestIds) {
    TestServer server;
    server.client().request("GET", "/healthz", "", {{"X-Request-Id", "log-check-1"}});
    server.stop();
    bool found = false;
    std::istringstream lines(server.log());
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << "not a JSON line: " << line;
        if (j.value("request_id", "") == "log-check-1") found = true;
    }
    EXPECT_TRUE(found);
}

/// Alive and not a zombie (an orphaned postmaster is reparented to PID 1, which may not reap it).
bool process_running(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    if (!(stat >> pid_field >> comm >> state)) return false;
    return state != "Z" && state != "X";
}

/// Opens a raw keep-alive connection and leaves it idle.
int idle_connection(const std::string& base) {
    int port = std::stoi(base.substr(base.rfind(':') + 1));
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    return fd;
}

TEST(Foundation, GracefulShutdownDoesNotWaitForIdleConnections) {
    TestServer server;
    int fd = idle_connection(server.base());
    // The drain limit is 20 s: a server that waited for the idle connection would not have exited
    // within this bounded wait of 15 s, and stop() would answer -1.
    int code = server.stop(SIGTERM, 15);
    close(fd);
    EXPECT_EQ(code, 0) << server.log();
    EXPECT_NE(server.log().find("\"stopped\""), std::string::npos);
}

TEST(Foundation, EmbeddedClusterStartsAndStopsWithServe) {
    std::string dir = "/tmp/dh-test-embedded-" + random::hex(4);
    int port = free_port();
    Env env = {{"JWT_SECRET", random::hex(32)},
               {"DATA_DIR", dir},
               {"HTTP_LISTEN", "127.0.0.1:" + std::to_string(port)},
               {"SMTP_LISTEN", "off"}};
    pid_t pid = spawn({DH_BINARY, "serve"}, env, "/tmp/dh-embedded-" + random::hex(4) + ".log");
    HttpClient http("http://127.0.0.1:" + std::to_string(port));
    ASSERT_TRUE(wait_until([&] { return http.get("/readyz").status == 200; }, std::chrono::seconds(30),
                           std::chrono::milliseconds(100)));
    std::string pidfile = dir + "/postgres/data/postmaster.pid";
    ASSERT_TRUE(fs::exists(pidfile));
    pid_t pg = 0;
    std::ifstream(pidfile) >> pg;
    EXPECT_TRUE(process_running(pg));

    // A second serve on the same DATA_DIR refuses cleanly.
    Env second = env;
    second["HTTP_LISTEN"] = "127.0.0.1:" + std::to_string(free_port());
    auto r = run_binary({"serve"}, second, 20);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("DATA_DIR"), std::string::npos) << r.output;
    EXPECT_EQ(http.get("/readyz").status, 200) << "the first server must be unharmed";

    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_FALSE(fs::exists(pidfile)) << "postmaster.pid left behind";
    EXPECT_FALSE(process_running(pg)) << "PostgreSQL still running after serve stopped";
    fs::remove_all(dir);
}

}  // namespace
}  // namespace dh::test
