#include "app/admin_commands.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/database.hpp"
#include "db/connection.hpp"
#include "db/migrate.hpp"

namespace dh::app {

AdminCommands::AdminCommands(CLI::App& admin) {
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
