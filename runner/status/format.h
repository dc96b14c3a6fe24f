#pragma once
// Text shared by the printers: durations for people, one-line descriptions of
// events, the end-of-run table. Plain text; the console printer adds color.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/duration.h"
#include "runner/core/failure.h"
#include "runner/exec/observer.h"

namespace wf::status {

/// A duration for logs: "850ms", "3.2s" (tenths, rounded), "1m05s", "1h02m".
std::string format_elapsed(core::Millis d);

/// A duration for the live status line, in whole seconds: "0s", "3s", "1m05s",
/// "1h02m".
std::string format_seconds(core::Millis d);

/// `wf: run <id> of <workflow> (<n> steps), state in <run_dir>`.
std::string run_started_text(const exec::RunStart& start);

/// What the last failed attempt of a step said, for the step's end line.
struct LastFailure {
  core::FailureClass failure_class = core::FailureClass::kPermanent;
  std::string summary;
};

/// "attempt 1/3 failed (transient): exit code 1; retrying in 1.2s" — or
/// "failed (permanent): ..." when the step has a single attempt; with
/// `with_duration`, "... failed (transient) in 0.4s: ...". Empty for a
/// successful attempt.
std::string attempt_failed_text(const exec::AttemptEnd& end, int max_attempts,
                                bool with_duration = false);

/// The symbol of an outcome: ✓ success, ✗ failure, – skipped, ⊘ cancelled.
std::string_view outcome_symbol(const exec::StepEnd& end);

/// The end of a step without its symbol: "success in 1.2s",
/// "failure (timeout) in 2.0s", "skipped: <reason>", "cancelled after 3.0s".
/// The reason follows a failure when it adds to the last attempt's summary.
std::string step_finished_text(const exec::StepEnd& end, const std::optional<LastFailure>& last);

/// A table of every step (step, outcome, attempts, duration, note), each line
/// ending with '\n', columns aligned (by code points).
std::string summary_table(const std::vector<exec::StepEnd>& steps);

/// "succeeded", "failed" or "interrupted".
std::string_view run_verdict(const exec::RunEnd& end);

/// `wf: <workflow> succeeded in 3.2s (run <id>)`, plus, for a failed or
/// interrupted run, a second line `resume with: wf run <file> --resume`
/// (the file shell-quoted when it needs it). Lines end with '\n'.
std::string run_finished_text(const exec::RunEnd& end, std::string_view workflow,
                              std::string_view file);

/// `s` quoted for a POSIX shell when it holds anything but [A-Za-z0-9_./=:@%+-].
std::string shell_quote(std::string_view s);

/// `text` with each CR and LF replaced by a space: event text (a summary, a
/// reason) printed inside one line, where a line break could otherwise
/// forge a line of wf's own (or a GitHub workflow command).
std::string one_line(std::string_view text);

/// Number of code points in UTF-8 text (one terminal column each, which holds
/// for the text wf itself draws).
size_t display_width(std::string_view s);

/// One line of a step's output made safe to print: text a '\r' overwrote is
/// dropped (as a terminal would show it), escape sequences are removed — or,
/// with keep_sgr, SGR color sequences are kept and a reset appended — and
/// other control characters (but '\t') become '?'.
std::string clean_line(std::string_view text, bool keep_sgr);
/// clean_line() appended to `out` (no copy when there is nothing to clean).
void append_clean_line(std::string& out, std::string_view text, bool keep_sgr);

}  // namespace wf::status
