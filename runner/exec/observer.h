#pragma once
// What happens during a run, as events for observers (console, JSON lines,
// GitHub Actions). The executor calls observers one at a time (under a lock
// of their own, never the scheduler's), so an observer need not be
// thread-safe against the executor; an observer with its own thread (a live
// status line) locks for itself.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/duration.h"
#include "runner/core/failure.h"
#include "runner/core/value.h"
#include "runner/graph/plan.h"
#include "runner/step_api/step_type.h"

namespace wf::exec {

using core::FailureClass;
using core::Millis;
using core::Value;

/// A step's final result, as `steps.<id>.outcome` shows it.
using graph::Outcome;
using graph::outcome_name;

struct RunStart {
  std::string run_id;
  std::string workflow;          // its name (or file)
  std::string file;
  std::string run_dir;           // .wf/runs/<id>
  size_t steps = 0;
  bool resumed = false;
  std::string resumed_from;      // the run id it continues, when resumed
};

struct AttemptStart {
  std::string step_id;
  std::string step_type;
  int attempt = 1;               // 1-based
  int max_attempts = 1;          // 1 + retry.limit
  std::string log_file;
  std::string step_name;         // its `name:`, when it has one other than its id
  std::string working_directory;  // absolute; where the step's tools run
};

struct AttemptEnd {
  std::string step_id;
  int attempt = 1;
  bool ok = false;
  FailureClass failure_class = FailureClass::kPermanent;
  std::string summary;           // masked
  Millis duration{0};
  std::optional<Millis> retry_in;  // set when another attempt follows after this wait
};

struct StepEnd {
  std::string step_id;
  std::string step_name;         // its `name:`, when it has one other than its id
  Outcome outcome = Outcome::kSuccess;
  bool continue_on_error = false;  // failed, but its conclusion is success
  std::string reason;            // why skipped / failed / cancelled (masked)
  int attempts = 0;
  Millis duration{0};
  Value outputs;                 // object; masked
  std::vector<std::pair<std::string, std::string>> links;
  bool reused = false;           // taken from the journal of an earlier run (--resume)
  bool selected = true;          // false: left out by --only (skipped)
  std::optional<FailureClass> failure_class;  // of its last attempt, when that failed
  std::string step_summary;      // Markdown it wrote to $GITHUB_STEP_SUMMARY (masked)
  /// A matrix step's instances ("deploy (a, us)"), in instance order, each
  /// reported as it ended; empty for a step without a matrix (or one whose
  /// matrix failed to expand).
  std::vector<StepEnd> instances;
  Value matrix;                  // an instance's `matrix` values; null otherwise
};

struct RunEnd {
  std::string run_id;
  std::string run_dir;
  bool ok = false;
  bool cancelled = false;
  Millis duration{0};
  int exit_code = 0;             // 0 success, 1 failed, 130 interrupted
  std::vector<StepEnd> steps;    // in file order
  /// The workflow's `outputs:`, resolved after the last step (masked).
  std::vector<std::pair<std::string, std::string>> outputs;
  /// Why the run stopped early when its state could not be written (the
  /// journal's failure, e.g. a full disk); "" otherwise.
  std::string state_error;
  /// Runs removed by RunOptions::keep_runs, and the bytes they held.
  size_t pruned_runs = 0;
  std::uintmax_t pruned_bytes = 0;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void run_started(const RunStart&) {}
  virtual void attempt_started(const AttemptStart&) {}
  /// Lines a step printed (or info lines from the step type), masked: one
  /// or more complete lines of one stream joined by '\n', without a final
  /// newline (a chunk of a tool's output arrives as one call).
  virtual void step_line(std::string_view step_id, step_api::StepLog::Stream stream, std::string_view text) {}
  virtual void attempt_finished(const AttemptEnd&) {}
  virtual void step_finished(const StepEnd&) {}
  virtual void run_finished(const RunEnd&) {}
  /// A value to mask that a step registered while running (`::add-mask::`,
  /// or a step type's StepLog::add_secret), unmasked: an observer must not
  /// show it, only pass it on to a sink that masks it too (GitHub's runner).
  virtual void secret_added(std::string_view value) {}
};

}  // namespace wf::exec
