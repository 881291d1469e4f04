#include "app/cli.hpp"

#include <sodium.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/admin_commands.hpp"
#include "app/config.hpp"
#include "app/serve.hpp"
#include "aws/secret_config.hpp"
#include "common/error.hpp"
#include "common/log.hpp"

namespace dh::app {
namespace {

Config load_config(bool needs_jwt) {
    // Logging first: lines written while secrets are fetched follow LOG_FORMAT too.
    auto env = process_env();
    auto [level, json] = log_settings(env);
    log::init(level, json ? log::Format::json : log::Format::text);
    // *_SECRET_ARN variables are fetched from AWS Secrets Manager first (no-op when none is set).
    return Config::load(aws::resolve_aws_secrets(env), {.jwt_secret = needs_jwt});
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) {
        std::cerr << "dispatchhub: libsodium failed to initialise\n";
        return 1;
    }
    CLI::App cli{
        "DispatchHub: send business email in bulk to vendors, per tenant, with quotas.\n"
        "Configuration comes from the environment; see README.md."};
    cli.set_version_flag("--version", std::string("dispatchhub ") + DH_VERSION);
    cli.require_subcommand(1);
    auto* serve = cli.add_subcommand("serve", "Run the HTTP API, web UI, inbound SMTP and the embedded worker");
    auto* worker = cli.add_subcommand("worker", "Run delivery workers only (against DATABASE_URL)");
    auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
    auto* admin = cli.add_subcommand("admin", "Operator commands (bootstrap, checks)");
    admin->require_subcommand(1);
    AdminCommands admin_commands(*admin);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }

    try {
        if (serve->parsed()) return run_serve(load_config(true));
        if (migrate->parsed()) return run_migrate(load_config(false));
        if (worker->parsed()) return run_worker(load_config(true));
        if (admin->parsed()) return admin_commands.run(load_config(false));
    } catch (const ConfigError& e) {
        std::cerr << "dispatchhub: configuration error: " << e.what() << "\n";
        return 2;
    } catch (const Error& e) {
        std::cerr << "dispatchhub: " << e.message() << (e.detail().empty() ? "" : " (" + e.detail() + ")") << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "dispatchhub: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace dh::app
