#pragma once
// The CLI11 definitions of the commands that look at past runs (runs, logs,
// show) and of shell completion (completion, the hidden __complete).

#include "runner/cli/commands.h"

namespace CLI {
class App;
}

namespace wf::cli {

/// Adds runs, logs, show, completion and __complete to `app`; each
/// callback stores its exit code in `code`. `app`, `env` and `code` must
/// outlive parsing.
void add_history_commands(CLI::App& app, const Env& env, int& code);

}  // namespace wf::cli
