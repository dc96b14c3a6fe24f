#pragma once
// `--log-format json`: a run as JSON Lines, for machines.

#include <cstdio>
#include <mutex>

#include "runner/core/value.h"
#include "runner/exec/observer.h"

namespace wf::status {

/// Prints one JSON object per event on its own line, flushed at once. Every
/// object starts with "event"; the other members, in this order:
///
///   run_started       run_id, workflow, file, run_dir, steps, resumed
///   attempt_started   step, type, attempt, max_attempts, log_file
///   step_line         step, stream ("stdout", "stderr" or "info"), text
///   attempt_finished  step, attempt, ok, class (only when !ok), summary,
///                     duration_ms, retry_in_ms (only when another attempt follows)
///   step_finished     step, outcome, continue_on_error, reason, attempts,
///                     duration_ms, outputs (an object), links ([{title, url}]), reused
///   run_finished      run_id, run_dir, ok, cancelled, duration_ms, exit_code,
///                     steps (an object: step id -> outcome, in file order)
///
/// e.g. {"event":"step_line","step":"compile","stream":"stdout","text":"ok"}.
/// Text that is not valid UTF-8 is repaired (U+FFFD), so every line parses.
/// `out` is borrowed and must outlive the printer.
/// Thread-safety: each line is written under a mutex.
class JsonPrinter final : public exec::RunObserver {
 public:
  explicit JsonPrinter(std::FILE* out) : out_(out) {}

  void run_started(const exec::RunStart& start) override;
  void attempt_started(const exec::AttemptStart& start) override;
  void step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                 std::string_view text) override;
  void attempt_finished(const exec::AttemptEnd& end) override;
  void step_finished(const exec::StepEnd& end) override;
  void run_finished(const exec::RunEnd& end) override;

 private:
  void emit(const core::Value& event);

  std::FILE* out_;
  std::mutex mu_;
};

}  // namespace wf::status
