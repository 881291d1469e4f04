#pragma once
#include "app/config.hpp"

namespace dh::app {

/// `dispatchhub serve`: database, migrations, HTTP API, static web UI; blocks until SIGTERM/SIGINT.
int run_serve(const Config& config);
/// `dispatchhub worker`: delivery only, until SIGTERM/SIGINT.
int run_worker(const Config& config);
/// `dispatchhub migrate`.
int run_migrate(const Config& config);

}  // namespace dh::app
