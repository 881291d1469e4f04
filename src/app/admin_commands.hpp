#pragma once
#include <functional>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace CLI {
class App;
}

namespace dh::app {

/// `dispatchhub admin <command>`: each feature adds its operator commands here.
class AdminCommands {
public:
    explicit AdminCommands(CLI::App& admin);
    /// Runs whichever admin subcommand was parsed.
    int run(const Config& config);

private:
    struct Command {
        CLI::App* app;
        std::function<int(const Config&)> run;
    };
    std::vector<Command> commands_;
};

}  // namespace dh::app
