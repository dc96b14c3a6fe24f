#pragma once
// The plugin contract: what a step type declares, what it gets, what it
// returns. Step types classify failures; retries live in the executor.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/cancel.h"
#include "runner/core/clock.h"
#include "runner/core/duration.h"
#include "runner/core/failure.h"
#include "runner/core/param_spec.h"
#include "runner/core/value.h"
#include "runner/services/git_repo.h"
#include "runner/services/http_client.h"
#include "runner/services/process_runner.h"

namespace wf::step_api {

using core::FailureClass;
using core::Millis;
using core::Value;

/// Where a step's log lines go. The executor's implementation masks secrets
/// and writes to the console and the attempt's log file. Thread-safe.
class StepLog {
 public:
  enum class Stream { kStdout, kStderr, kInfo };
  virtual ~StepLog() = default;
  /// One line, without its newline.
  virtual void line(Stream stream, std::string_view text) = 0;
  /// Registers a value to be masked from now on (e.g. a sensitive output).
  virtual void add_secret(std::string_view value) = 0;

  void info(std::string_view text) { line(Stream::kInfo, text); }

  /// Between hold() and release(), lines may be kept and written out together
  /// at release(): one write to the log file and one to the console for a
  /// chunk of a tool's output instead of one per line (run_tool() holds
  /// around each chunk it reads). Calls nest; every hold() needs its release().
  virtual void hold() {}
  virtual void release() {}
};

/// Everything one attempt of a step may use. Owned by the executor; valid for
/// the duration of StepType::run(). Not shared between attempts.
struct StepContext {
  std::string workflow_file;
  std::string step_id;                          // for an instance of a matrix step: "deploy (a, us)"
  int attempt = 1;                              // 1-based
  Value with;                                   // resolved parameters, defaults applied (an object)
  std::map<std::string, std::string> env;       // the complete environment for tools
  std::string working_directory;                // absolute
  /// A private scratch directory for this attempt, removed (with whatever
  /// secrets it holds) when the attempt ends. Its parent directory is the
  /// step's, shared by its attempts (for intent records, see gh-dispatch).
  std::string attempt_dir;
  /// For `script` parameters (ParamSpec::script): the extra environment that
  /// holds each expression's value, already merged into `env`.
  StepLog* log = nullptr;
  services::ProcessRunner* processes = nullptr;
  services::HttpClient* http = nullptr;
  services::GitRepo* git = nullptr;            // git repositories (libgit2), for the `git` step type
  const core::CancelToken* cancel = nullptr;    // cancelled on timeout, Ctrl-C or fail-fast
  /// Time: every wait a step type makes (polls, rate limits) goes through it,
  /// on `cancel`, so tests run it on virtual time.
  core::Clock* clock = nullptr;
  services::StopPolicy stop;                    // how to stop tools on cancellation

  /// Typed access to `with` (null Value when absent).
  const Value& param(std::string_view name) const;
  std::string param_string(std::string_view name, std::string_view fallback = "") const;
  bool param_bool(std::string_view name, bool fallback = false) const;
};

/// The result of one attempt. Failure is data: a class, a one-line summary
/// and, for rate limits, how long the server asked to wait.
struct StepResult {
  bool ok = true;
  FailureClass failure_class = FailureClass::kPermanent;
  std::string summary;                          // one line, shown and journalled
  std::optional<Millis> retry_after;            // at least this long before the next attempt
  std::vector<std::pair<std::string, Value>> outputs;
  std::vector<std::pair<std::string, std::string>> links;  // title, URL (for summaries)

  static StepResult success(std::string summary = {}) {
    StepResult r;
    r.summary = std::move(summary);
    return r;
  }
  static StepResult failure(FailureClass c, std::string summary) {
    StepResult r;
    r.ok = false;
    r.failure_class = c;
    r.summary = std::move(summary);
    return r;
  }
};

/// What `wf plan` shows for a step whose inputs are known.
struct StepPreview {
  bool changes = true;         // false: the step would change nothing
  std::string text;            // e.g. terraform's plan, kubectl diff
  std::string error;           // not empty: the preview failed, and why

  StepPreview() = default;
  StepPreview(bool changes_, std::string text_) : changes(changes_), text(std::move(text_)) {}
  static StepPreview failed(std::string why) {
    StepPreview p;
    p.error = std::move(why);
    return p;
  }
};

/// One step type. Implementations are stateless (or internally synchronised):
/// run() may be called for several steps at once from different threads.
class StepType {
 public:
  virtual ~StepType() = default;
  /// Name, parameters, outputs, docs. Drives validation and `wf steps TYPE`.
  virtual const core::StepSchema& schema() const = 0;
  /// Runs one attempt. Must return (not throw) on failure, and return
  /// promptly with FailureClass::kCancelled once ctx.cancel is cancelled.
  virtual StepResult run(StepContext& ctx) const = 0;
  /// A preview for `wf plan`; nullopt when the type has none. A failure is
  /// a StepPreview with `error` set, not an exception.
  virtual std::optional<StepPreview> preview(StepContext& ctx) const { return std::nullopt; }
};

}  // namespace wf::step_api
