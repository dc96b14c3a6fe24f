#pragma once
// Running an external process: the seam between step types / the executor and
// the operating system. The real adapter (runner/adapters/process_runner.cc)
// is the only code that includes Boost.Process; tests may use a fake
// (tests/support/fake_process_runner.h).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/cancel.h"

namespace wf::services {

using Millis = std::chrono::milliseconds;

/// How to stop a process: SIGINT to its whole process group, then SIGTERM
/// after `interrupt_grace`, then SIGKILL after `terminate_grace`. (SIGINT and
/// SIGTERM are each followed by SIGCONT, so that stopped members act on them.)
struct StopPolicy {
  Millis interrupt_grace{7500};
  Millis terminate_grace{2500};
};

struct ProcessSpec {
  std::vector<std::string> argv;            // argv[0] is looked up in PATH of `env` (else wf's PATH)
  std::map<std::string, std::string> env;   // the complete environment of the child
  std::string cwd;                          // empty: inherit
  std::optional<std::string> stdin_data;    // written then closed; nullopt: /dev/null
  /// Output as it arrives, in chunks of any size (not split at lines).
  /// Called from the thread that called run(), never concurrently.
  std::function<void(std::string_view)> on_stdout;
  std::function<void(std::string_view)> on_stderr;
  std::optional<Millis> timeout;            // then the stop sequence; result.timed_out
  StopPolicy stop;
};

struct ProcessResult {
  bool started = false;       // false: spawn failed, see `error`
  /// Why it could not start ("deploy: command not found", "./x.sh: Permission
  /// denied", "working directory d: No such file or directory"); when
  /// started, empty unless members of its group survived even SIGKILL.
  std::string error;
  int exit_code = -1;         // valid when exited normally
  int signal = 0;             // the signal that ended it, if any
  bool timed_out = false;     // the timeout started the stop sequence
  bool cancelled = false;     // the cancel token started the stop sequence
  Millis duration{0};

  bool success() const { return started && signal == 0 && exit_code == 0 && !timed_out && !cancelled; }
};

/// Runs processes in their own process group; when run() returns, no process
/// of that group is left (after the main process exits, survivors in its
/// group get SIGTERM, then SIGKILL). Thread-safe: run() may be called from
/// several threads at once.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Blocks until the process and its group are gone. Cancellation (the
  /// token, from any thread) and the spec's timeout start the stop sequence;
  /// a token cancelled before the call starts nothing (started = false,
  /// cancelled = true). An exception thrown by on_stdout / on_stderr
  /// propagates after the group has been killed.
  virtual ProcessResult run(const ProcessSpec& spec, const core::CancelToken& cancel) = 0;
};

}  // namespace wf::services
