#pragma once
// run_tool(): how a step type runs the external program it drives
// (terraform, kubectl, helm, docker, a shell). One place for the process spec,
// the streaming of output lines into the masked step log, the stop policy,
// cancellation, and the words for how a process ended.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/step_api/step_type.h"

namespace wf::step_api {

/// One run of a tool. Commands are argv vectors: nothing goes through a shell.
struct ToolCall {
  /// The program: a name looked up on PATH of the step's environment (else
  /// wf's own), or a path.
  std::string program;
  std::vector<std::string> args;
  /// Set (or, with an empty optional, removed) on top of ctx.env.
  std::map<std::string, std::optional<std::string>> env;
  std::string cwd;                          // "": the step's working directory
  std::optional<std::string> stdin_data;    // e.g. a password for --password-stdin
  std::optional<Millis> timeout;            // on top of the step's own timeout
  /// How to install the program, for the not-found message
  /// ("apt-get install docker.io", "apt-get install kubernetes-client").
  std::string install_hint;
  bool log_command = true;                  // "$ helm template ..." as an info line
  bool log_stdout = true;                   // stdout lines to the step log
  bool log_stderr = true;                   // stderr lines to the step log
  size_t keep_bytes = 1 << 20;              // of each stream, kept in ToolRun (the last bytes, up to twice as many)
};

/// How a tool run ended and what it printed.
struct ToolRun {
  services::ProcessResult process;
  bool not_found = false;   // the program is not on PATH
  std::string program;      // the name shown in messages ("helm")
  std::string install_hint;
  std::string out;          // stdout (the last keep_bytes)
  std::string err;          // stderr (the last keep_bytes)
  std::string output;       // stdout and stderr as they came (the last keep_bytes)

  bool ok() const { return process.success(); }
  bool stopped() const { return process.cancelled || process.timed_out; }
  /// "helm failed (exit code 1)", "helm was killed by SIGKILL (Killed)",
  /// "helm not found on PATH (install: ...)", "could not start helm: ...".
  std::string describe() const;
  /// The failure as a StepResult: cancelled when stopped, permanent when
  /// not found or not started, else `on_exit` with describe() and, when
  /// given, the last line of the output that says why.
  StepResult failure(core::FailureClass on_exit) const;
};

/// Runs the tool to its end under the step's cancel token and stop policy.
/// Never throws for the tool's failures.
ToolRun run_tool(StepContext& ctx, const ToolCall& call);

/// The last non-empty line of `text` ("" when none).
std::string last_line(std::string_view text);

}  // namespace wf::step_api
