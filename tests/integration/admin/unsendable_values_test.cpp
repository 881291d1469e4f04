// Rows stored before header values were checked at the door: they are reported, never changed.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "db/connection.hpp"
#include "harness/tenants.hpp"
#include "harness/wait.hpp"

namespace dh::test {
namespace {

std::string read_file(const std::string& path) {
    std::stringstream ss;
    ss << std::ifstream(path).rdbuf();
    return ss.str();
}

TEST(UnsendableValues, OldRowsAreListedAndWarnedAboutButKept) {
    TestServer server;
    PlatformSession platform(server);
    auto acme = platform.create_tenant("acme");
    auto clean = run_binary({"admin", "unsendable-values"}, server.env());
    EXPECT_EQ(clean.exit_code, 0) << clean.output;

    // What the API accepted before: written straight into the database.
    db::Connection conn(server.database().conninfo());
    conn.exec("UPDATE tenants SET name = E'Acme\\r\\nBcc: x' WHERE id = '" + acme.id + "'");
    auto identity = conn.exec("INSERT INTO sender_identities (tenant_id, email, name) VALUES ('" + acme.id +
                              "', 'jörg@acme.example', E'AP\\x1b') RETURNING id::text")
                        .text(0, 0);

    auto listed = run_binary({"admin", "unsendable-values"}, server.env());
    EXPECT_EQ(listed.exit_code, 1) << listed.output;
    EXPECT_NE(listed.output.find("tenants.name " + acme.id), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("sender_identities.name " + identity), std::string::npos) << listed.output;
    EXPECT_NE(listed.output.find("sender_identities.email " + identity), std::string::npos) << listed.output;
    EXPECT_EQ(conn.exec("SELECT name FROM tenants WHERE id = '" + acme.id + "'").text(0, 0), "Acme\r\nBcc: x");

    // serve warns once per row class at start-up.
    server.stop();
    auto log_path = server.data_dir() + "/restart.log";
    pid_t pid = spawn({DH_BINARY, "serve"}, server.env(), log_path);
    std::string log;
    wait_until(
        [&] {
            log = read_file(log_path);
            return log.find("\"listening\"") != std::string::npos;
        },
        std::chrono::seconds(30));
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    auto warnings = 0;
    for (std::size_t at = log.find("stored values that no message can carry"); at != std::string::npos;
         at = log.find("stored values that no message can carry", at + 1))
        ++warnings;
    EXPECT_EQ(warnings, 3) << log;
    EXPECT_NE(log.find(acme.id), std::string::npos) << log;
}

}  // namespace
}  // namespace dh::test
