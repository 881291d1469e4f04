#pragma once

namespace dh::app {

/// Parses the command line and runs the subcommand; returns the process exit code.
int main(int argc, char** argv);

}  // namespace dh::app
