// Ticket notification mail: each side hears of the other's messages and status changes through the
// workers' transport, from the platform sender, once, and without touching any tenant's usage.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "admin/admin_fixture.hpp"
#include "db/connection.hpp"
#include "dispatch/dispatch_fixture.hpp"
#include "harness/wait.hpp"
#include "mail/mime_parser.hpp"
#include "smtp/smtp_peers.hpp"

namespace dh::test {
namespace {

namespace fs = std::filesystem;

const std::string kSender = "support@dispatchhub.localhost";  // the default: support@MAIL_DOMAIN

struct Captured {
    std::string file;
    mail::ParsedMessage message;
    fs::file_time_type written;
};

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Another super admin, made as operators do it: `dispatchhub admin create-superadmin`.
void add_super_admin(const TestServer& server, const std::string& email) {
    auto file = server.data_dir() + "/" + email + ".pw";
    std::ofstream(file) << "Other-support-Passw0rd!";
    auto r = run_binary({"admin", "create-superadmin", "--email", email, "--password-file", file}, server.env());
    if (r.exit_code != 0) throw std::runtime_error("create-superadmin " + email + ": " + r.output);
}

std::set<std::string> recipients_of(const std::vector<Captured>& mails) {
    std::set<std::string> out;
    for (auto& m : mails)
        for (auto& to : m.message.to) out.insert(to.address);
    return out;
}

struct TicketMail : ::testing::Test {
    TestServer server;
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    HttpClient& root = platform.root();

    long long count(const std::string& statement) {
        return db::Connection(server.database().conninfo()).exec(statement).integer(0, "n");
    }
    std::string open_ticket(const std::string& subject) {
        auto r = acme.http.post("/api/v1/tickets", {{"subject", subject}, {"body", "Why is it 49 EUR?"}});
        if (r.status != 201) throw std::runtime_error("open ticket -> " + std::to_string(r.status) + " " + r.body);
        return r.json()["id"].get<std::string>();
    }
    /// The captured mails whose subject names the ticket.
    std::vector<Captured> mails_about(const std::string& ticket_id) {
        std::vector<Captured> out;
        std::error_code ec;
        for (auto& e : fs::directory_iterator(server.data_dir() + "/outbox", ec)) {
            if (e.path().extension() != ".eml") continue;
            auto m = mail::parse_message(file_text(e.path()));
            if (m.subject.find("[Ticket " + ticket_id.substr(0, 8) + "]") != std::string::npos)
                out.push_back({e.path().filename().string(), m, fs::last_write_time(e.path())});
        }
        return out;
    }
    /// Waits until `n` mails about the ticket are captured; returns them (more if more came). The
    /// ceiling is generous: under the sanitizers on a loaded machine a notification cycle is slow.
    std::vector<Captured> wait_for_mails(const std::string& ticket_id, std::size_t n) {
        std::vector<Captured> mails;
        wait_until(
            [&] {
                mails = mails_about(ticket_id);
                return mails.size() >= n;
            },
            std::chrono::seconds(60), std::chrono::milliseconds(100));
        return mails;
    }
    /// The mails of `after` that are not in `before` (by capture file).
    static std::vector<Captured> added(const std::vector<Captured>& before, const std::vector<Captured>& after) {
        std::set<std::string> seen;
        for (auto& m : before) seen.insert(m.file);
        std::vector<Captured> out;
        for (auto& m : after)
            if (!seen.count(m.file)) out.push_back(m);
        return out;
    }
};

TEST_F(TicketMail, EachSideIsMailedAboutTheOther) {
    add_super_admin(server, "second@platform.test");
    auto id = open_ticket("Invoice question");

    // Unassigned: every super admin hears of the new ticket.
    auto opened = wait_for_mails(id, 2);
    ASSERT_EQ(opened.size(), 2u);
    EXPECT_EQ(recipients_of(opened), (std::set<std::string>{"root@platform.test", "second@platform.test"}));
    for (auto& m : opened) {
        EXPECT_EQ(m.message.from.address, kSender);
        EXPECT_NE(m.message.subject.find("Invoice question"), std::string::npos) << m.message.subject;
        EXPECT_NE(m.message.subject.find("New ticket from acme Inc."), std::string::npos) << m.message.subject;
        EXPECT_NE(m.message.text_body.find("Why is it 49 EUR?"), std::string::npos);
        EXPECT_NE(m.message.text_body.find(id), std::string::npos);
        EXPECT_NE(m.message.raw_headers.find("Auto-Submitted: auto-generated"), std::string::npos);
    }
    EXPECT_NE(opened[0].message.message_id, opened[1].message.message_id);

    // A super admin's reply goes to the opener.
    ASSERT_EQ(root.post("/api/v1/admin/tickets/" + id + "/messages", {{"body", "It is the Tiny plan."}}).status, 201);
    auto replied = added(opened, wait_for_mails(id, 3));
    ASSERT_EQ(replied.size(), 1u);
    EXPECT_EQ(recipients_of(replied), (std::set<std::string>{acme.admin_email}));
    EXPECT_EQ(replied[0].message.from.address, kSender);
    EXPECT_NE(replied[0].message.subject.find("Support replied: Invoice question"), std::string::npos);
    EXPECT_NE(replied[0].message.text_body.find("It is the Tiny plan."), std::string::npos);

    // Assigning is no news for the tenant; the status change is.
    auto root_id = root.get("/api/v1/me").json()["user"]["id"].get<std::string>();
    ASSERT_EQ(root.patch("/api/v1/admin/tickets/" + id, {{"assignee_id", root_id}, {"status", "resolved"}}).status,
              200);
    auto resolved = added(opened, wait_for_mails(id, 4));
    ASSERT_EQ(resolved.size(), 2u);
    auto status_mail = resolved[0].file == replied[0].file ? resolved[1] : resolved[0];
    EXPECT_EQ(recipients_of({status_mail}), (std::set<std::string>{acme.admin_email}));
    EXPECT_NE(status_mail.message.subject.find("Now resolved: Invoice question"), std::string::npos);

    // Assigned: only the assignee hears of the tenant's next message.
    ASSERT_EQ(acme.http.post("/api/v1/tickets/" + id + "/messages", {{"body", "One more thing"}}).status, 201);
    auto all = wait_for_mails(id, 5);
    std::vector<Captured> before = opened;
    before.insert(before.end(), resolved.begin(), resolved.end());
    auto followup = added(before, all);
    ASSERT_EQ(followup.size(), 1u);
    EXPECT_EQ(recipients_of(followup), (std::set<std::string>{"root@platform.test"}));
    EXPECT_NE(followup[0].message.text_body.find("One more thing"), std::string::npos);
    EXPECT_EQ(count("SELECT count(*) AS n FROM platform_notifications WHERE status = 'sent'"), 5);
}

TEST_F(TicketMail, SentOnceAndNeverCountedAsTenantUsage) {
    auto list = import_vendors(acme, 3);
    auto created = acme.http.post("/api/v1/dispatches", dispatch_body(list));
    ASSERT_EQ(created.status, 201) << created.body;
    ASSERT_EQ(wait_for_status(acme, created.json()["id"], "completed")["status"], "completed");
    auto usage_before = acme.http.get("/api/v1/usage").json();
    ASSERT_EQ(usage_before["sent"], 3);

    auto id = open_ticket("Usage question");
    ASSERT_EQ(root.post("/api/v1/admin/tickets/" + id + "/messages", {{"body", "Answer"}}).status, 201);
    ASSERT_EQ(root.patch("/api/v1/admin/tickets/" + id, {{"status", "resolved"}}).status, 200);
    ASSERT_EQ(root.patch("/api/v1/admin/tickets/" + id, {{"status", "resolved"}}).status, 200) << "no change, no mail";
    auto mails = wait_for_mails(id, 3);
    ASSERT_EQ(mails.size(), 3u);

    // Several worker cycles later: no mail is written again, no attempt repeated, nothing more sent.
    ASSERT_TRUE(wait_for_worker_cycles(server, 3));
    auto later = mails_about(id);
    ASSERT_EQ(later.size(), 3u);
    for (std::size_t i = 0; i < later.size(); ++i) {
        auto same = std::find_if(mails.begin(), mails.end(), [&](auto& m) { return m.file == later[i].file; });
        ASSERT_NE(same, mails.end());
        EXPECT_EQ(same->written, later[i].written) << later[i].file << " was written again";
    }
    EXPECT_EQ(count("SELECT count(*) AS n FROM platform_notifications WHERE status = 'sent' AND attempts = 1"), 3);
    EXPECT_EQ(count("SELECT count(*) AS n FROM platform_notifications"), 3);

    auto usage_after = acme.http.get("/api/v1/usage").json();
    EXPECT_EQ(usage_after["sent"], usage_before["sent"]);
    EXPECT_EQ(usage_after["reserved"], usage_before["reserved"]);
    EXPECT_EQ(count("SELECT coalesce(sum(sent + reserved), 0) AS n FROM usage_periods"), 3);
    EXPECT_EQ(run_binary({"admin", "verify-usage"}, server.env()).exit_code, 0);
}

TEST_F(TicketMail, TenantUsersCannotReadTheQueue) {
    open_ticket("Private");
    // The tenant's own transaction may queue a notice but never read one back (super admin addresses).
    db::Connection conn(server.database().conninfo());
    conn.exec_script("BEGIN; SET LOCAL ROLE dispatchhub_app");
    conn.exec("SELECT set_config('app.tenant_id', $1, true)", {acme.id});
    EXPECT_THROW(conn.exec("SELECT count(*) FROM platform_notifications"), std::exception);
    conn.exec_script("ROLLBACK");
}

// A relay that refuses one recipient for now: that notification is retried, the others are sent once.
TEST(TicketMailRelay, TransientFailuresAreRetriedAndOthersNotResent) {
    smtp::TempDir dir;
    smtp::Peer peer({"/usr/bin/python3", smtp::tools_dir() + "/scripted_smtp.py", "--log", dir.path()}, "READY ");
    TestServer server({{"SMTP_URL", "smtp://127.0.0.1:" + std::to_string(peer.port()) + "?tls=none"},
                       {"RETRY_BASE_SECONDS", "1"},
                       {"PLATFORM_SENDER", "helpdesk@platform.test"}});
    PlatformSession platform{server};
    TenantSession acme = platform.create_tenant("acme");
    add_super_admin(server, "tempfail-data@platform.test");  // the scripted relay defers mail to it
    ASSERT_EQ(acme.http.post("/api/v1/tickets", {{"subject", "Relay question"}, {"body", "Hello?"}}).status, 201);

    auto messages_to = [&](const std::string& rcpt) {
        int n = 0;
        for (auto& e : smtp::read_jsonl(dir.file("events.jsonl")))
            if (e["event"] == "message" && e["rcpts"].dump().find(rcpt) != std::string::npos) {
                EXPECT_NE(e["mail_from"].get<std::string>().find("helpdesk@platform.test"), std::string::npos);
                ++n;
            }
        return n;
    };
    EXPECT_TRUE(wait_until([&] { return messages_to("tempfail-data@") >= 2; }, std::chrono::seconds(20)))
        << "the refused notification is tried again";
    EXPECT_EQ(messages_to("root@platform.test"), 1) << "the accepted one is not sent again";
    db::Connection conn(server.database().conninfo());
    auto r = conn.exec("SELECT status, attempts, last_error FROM platform_notifications WHERE recipient = $1",
                       {"tempfail-data@platform.test"});
    ASSERT_EQ(r.rows(), 1);
    EXPECT_EQ(r.text(0, "status"), "pending");
    EXPECT_GE(r.integer(0, "attempts"), 2);
    EXPECT_FALSE(r.text(0, "last_error").empty());
}

}  // namespace
}  // namespace dh::test
