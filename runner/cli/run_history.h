#pragma once
// What the history commands (runs, logs, show, completion) share: which
// state directory and workflow they look at, and which run.

#include <string>
#include <vector>

#include "runner/cli/commands.h"
#include "runner/core/expected.h"
#include "runner/exec/history.h"

namespace wf::cli {

/// The runs a history command looks at.
struct HistoryScope {
  std::string state_dir;
  std::string key;   // workflow_key() of the workflow; "" when no run is recorded
};

/// The scope of `where`: with a file, its state directory (--state-dir or
/// .wf beside it) and its key; without one, --state-dir or ./.wf and the
/// one workflow that has runs there. Fails, naming each of them, when runs
/// of several workflows are recorded there.
core::Expected<HistoryScope, std::string> history_scope(const HistoryWhere& where);

/// The run `id` of the scope, or its newest run when id is "". Fails with a
/// message listing the runs that exist.
core::Expected<exec::RunRecord, std::string> pick_run(const HistoryScope& scope, const std::string& id);

/// A time (ms since the epoch) as "2026-12-07T22:10:00Z"; "-" when < 0.
std::string utc_text(int64_t ms);

/// The run's duration so far: to run_finished, or to now while it runs.
core::Millis run_duration(const exec::RunRecord& r, int64_t now_ms);

/// How many of a run's steps ended each way.
struct StepCounts {
  int ok = 0, failed = 0, skipped = 0, cancelled = 0;
};
StepCounts count_steps(const exec::PastRun& run);

/// One run as `wf runs --json` and `wf show --json` give it (the fields are
/// documented in docs/running.md).
core::Value run_json(const exec::RunRecord& r, int64_t now_ms);

/// Milliseconds since the epoch, now.
int64_t now_ms();

}  // namespace wf::cli
