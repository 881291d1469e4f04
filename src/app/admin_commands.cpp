#include "app/admin_commands.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/database.hpp"
#include "billing/billing_service.hpp"
#include "db/connection.hpp"
#include "db/migrate.hpp"
#include "db/pool.hpp"
#include "db/tx.hpp"
#include "delivery/status_counts_store.hpp"
#include "delivery/unsendable_values.hpp"
#include "delivery/usage_check.hpp"
#include "domains/signing_keys.hpp"
#include "tenancy/tenancy_service.hpp"
#include "tenancy/tenant_store.hpp"

namespace dh::app {

namespace {

/// The password from --password-file, or from standard input (a prompt when it is a terminal).
std::string read_password(const std::string& file) {
    std::string password;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) throw std::runtime_error("--password-file: cannot read " + file);
        std::stringstream ss;
        ss << in.rdbuf();
        password = ss.str();
    } else {
        if (isatty(0)) std::cerr << "Password for the new super admin: " << std::flush;
        std::getline(std::cin, password);
    }
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
    return password;
}

}  // namespace

AdminCommands::AdminCommands(CLI::App& admin) {
    auto* verify = admin.add_subcommand(
        "verify-usage", "Recompute usage, plan counters and dispatch counts from their rows; exit 1 on any difference");
    commands_.push_back(
        {verify, [](const Config& config) {
             auto database = open_database(config);
             db::Pool pool(database.pool_options(2));
             auto mismatches = delivery::verify_usage(pool);
             for (auto& m : mismatches)
                 std::cout << "MISMATCH tenant " << m.tenant_id << " period " << m.period_start << ": sent " << m.sent
                           << " vs " << m.counted << " counted deliveries, reserved " << m.reserved << " vs "
                           << m.pending << " pending deliveries\n";
             std::cout << (mismatches.empty() ? "usage verified: every counter equals its deliveries\n"
                                              : "usage differs from deliveries\n");
             auto counts = db::with_tx(pool, db::Scope::platform(),
                                       [](db::Tx& tx) { return tenancy::tenant_store::count_mismatches(tx); });
             for (auto& c : counts)
                 std::cout << "MISMATCH tenant " << c.tenant_id << ": vendors counted " << c.vendors_counted << " vs "
                           << c.vendors_live << " live, users counted " << c.users_counted << " vs " << c.users << "\n";
             std::cout << (counts.empty() ? "plan counters verified: vendors and users of every tenant\n"
                                          : "plan counters differ from the rows they count\n");
             auto progress = db::with_tx(pool, db::Scope::platform(),
                                         [](db::Tx& tx) { return delivery::status_counts_store::mismatches(tx); });
             for (auto& p : progress)
                 std::cout << "MISMATCH dispatch " << p.dispatch_id << " status " << p.status << ": counted "
                           << p.counted << " vs " << p.deliveries << " deliveries\n";
             std::cout << (progress.empty() ? "dispatch counts verified: every status of every dispatch\n"
                                            : "dispatch counts differ from their deliveries\n");
             return mismatches.empty() && counts.empty() && progress.empty() ? 0 : 1;
         }});
    auto* unsendable = admin.add_subcommand("unsendable-values",
                                            "List stored rows whose header values no message can carry; exit 1 if any");
    commands_.push_back({unsendable, [](const Config& config) {
                             auto database = open_database(config);
                             db::Pool pool(database.pool_options(2));
                             auto found = delivery::find_unsendable_values(pool);
                             for (auto& rows : found)
                                 for (auto& id : rows.ids) std::cout << rows.what << " " << id << "\n";
                             std::cout << (found.empty() ? "every stored header value can be sent\n"
                                                         : "these rows hold values the message builder refuses\n");
                             return found.empty() ? 0 : 1;
                         }});
    auto* dkim = admin.add_subcommand(
        "dkim-record", "Print the DNS record that publishes the key the platform's own mail is signed with");
    commands_.push_back({dkim, [](const Config& config) {
                             auto database = open_database(config);
                             db::Pool pool(database.pool_options(2));
                             domains::SigningKeys keys(pool, webhooks::SecretSeal(config.jwt_secret));
                             auto domain = config.platform_sender.substr(config.platform_sender.rfind('@') + 1);
                             auto [name, value] = keys.platform_record(domain);
                             // Zone-file form: a TXT string holds at most 255 bytes (RFC 1035 3.3.14).
                             std::cout << name << ". IN TXT (";
                             for (std::size_t at = 0; at < value.size(); at += 255)
                                 std::cout << " \"" << value.substr(at, 255) << "\"";
                             std::cout << " )\n";
                             if (!config.dkim_signing)
                                 std::cout << "DKIM_SIGNING is off: the relay signs, this key is not used\n";
                             return 0;
                         }});
    auto* create = admin.add_subcommand("create-superadmin", "Create a platform super admin (bootstrap)");
    auto email = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto password_file = std::make_shared<std::string>();
    create->add_option("--email", *email, "Sign-in email")->required();
    create->add_option("--name", *name, "Display name");
    create->add_option("--password-file", *password_file, "File holding the password (default: read standard input)");
    commands_.push_back({create, [email, name, password_file](const Config& config) {
                             auto password = read_password(*password_file);
                             auto database = open_database(config);
                             db::migrate(database.conninfo);
                             db::Pool pool(database.pool_options(2));
                             tenancy::TenancyService tenancy(pool, {});
                             auto user = tenancy.create_super_admin(*email, *name, password);
                             std::cout << "super admin created: " << user.email << " (" << user.id << ")\n";
                             return 0;
                         }});

    auto* close =
        admin.add_subcommand("close-period",
                             "close-period: invoice every tenant for a finished billing period (idempotent: a tenant "
                             "already invoiced for it gets no second invoice)");
    auto period = std::make_shared<std::string>();
    close->add_option("--period", *period, "The month as YYYY-MM (default: the last finished month)");
    commands_.push_back({close, [period](const Config& config) {
                             auto database = open_database(config);
                             db::migrate(database.conninfo);
                             db::Pool pool(database.pool_options(2));
                             billing::BillingService billing(pool);
                             std::optional<std::string> label;
                             if (!period->empty()) label = *period;
                             auto result = billing.close_period(label);
                             std::cout << billing::summary(result) << "\n";
                             return 0;
                         }});

    auto* status = admin.add_subcommand("schema-status", "Print the applied and the embedded schema versions");
    commands_.push_back({status, [](const Config& config) {
                             auto database = open_database(config);
                             db::Connection conn(database.conninfo);
                             int applied = db::applied_version(conn);
                             auto all = db::embedded_migrations();
                             int latest = all.empty() ? 0 : all.back().version;
                             std::cout << "schema version " << applied << " of " << latest << "\n";
                             return applied == latest ? 0 : 1;
                         }});
}

int AdminCommands::run(const Config& config) {
    for (auto& c : commands_)
        if (c.app->parsed()) return c.run(config);
    return 2;
}

}  // namespace dh::app
