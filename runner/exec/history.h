#pragma once
// Past runs, read back from `.wf/runs/<id>/` (state.h writes them): what
// `wf runs`, `wf logs` and `wf show` print. summarize_journal() is pure (no
// I/O); the rest reads the state directory and never writes, except
// remove_run().

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/duration.h"
#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::exec {

/// One attempt of a step, as the journal recorded it.
struct PastAttempt {
  int attempt = 1;
  bool finished = false;        // an attempt_finished event was written
  bool ok = false;
  std::string failure_class;    // "transient", ...; "" when ok or unfinished
  std::string summary;          // masked
  double duration_ms = 0;
  std::string started;          // RFC 3339 time of its attempt_started
};

/// One step of a past run: the events about it, in journal order.
struct PastStep {
  std::string id;
  std::string outcome;          // success|failure|skipped|cancelled; "" while unfinished
  std::string reason;           // masked
  bool reused = false;          // taken from an earlier run (--resume)
  bool continue_on_error = false;  // the step had continue-on-error (journals since wf 0.1.0)
  int attempts = 0;             // as step_finished counted them
  core::Value outputs;          // object, masked
  std::vector<PastAttempt> attempt_list;
  int64_t started_ms = -1;      // first attempt_started (ms since the epoch), -1 if none
  int64_t finished_ms = -1;     // step_finished, -1 if none
};

/// What a run's journal says, whole.
struct PastRun {
  std::string id;
  std::string workflow;         // its name
  std::string file;             // as given on wf's command line
  std::string file_key;         // workflow_key() of it; "" in journals older than keys
  std::string resumed_from;     // the run it continued, "" if none
  bool single_step = false;     // written by `wf step` (no run_started)
  bool finished = false;        // a run_finished event closes it
  bool ok = false;              // ... and it succeeded
  bool cancelled = false;       // ... or was interrupted (Ctrl-C, SIGTERM)
  core::Value inputs;           // object, masked (secrets are never journalled)
  std::vector<PastStep> steps;  // in the order they first appear in the journal
  int64_t started_ms = -1;      // the first event's time, -1 if none
  int64_t last_event_ms = -1;   // the last event's time (run_finished's for a finished run)
  const PastStep* step(std::string_view id) const;
};

/// Reads a journal's text into a PastRun. A torn last line is ignored (as
/// read_journal does); any other unparsable line is an error "PATH:LINE:
/// message". Pure, so it is tested without files.
core::Expected<PastRun, std::string> summarize_journal(std::string_view text, const std::string& path);

/// How a run ended, or that it has not.
enum class RunStatus { kSuccess, kFailure, kCancelled, kInProgress, kInterrupted };
/// "success", "failure", "cancelled", "in progress", "interrupted".
const char* run_status_name(RunStatus s);

/// A run's status: from run_finished when written; otherwise in progress
/// while `lock_held` (its workflow's state lock is held by this run),
/// interrupted when not (killed, or the machine stopped).
RunStatus run_status(const PastRun& run, bool lock_held);

/// A run folder under state_dir/runs, with its journal read.
struct RunRecord {
  std::string dir;              // state_dir/runs/<id>
  std::string id;               // the folder's name
  PastRun run;                  // empty when the journal is missing or unreadable
  std::string error;            // why the journal could not be read ("" if it was)
  RunStatus status = RunStatus::kInterrupted;
  uint64_t bytes = 0;           // size of every file under dir
  /// When it started: the journal's first event, else the time in its id.
  int64_t started_ms() const;
};

/// Whether a run belongs to the workflow whose workflow_key() is `key`: its
/// journal names that key (older journals, and `wf step`'s: the same file
/// name). An empty key matches every run.
bool run_of_workflow(const PastRun& run, const std::string& key);

/// The run folders under state_dir/runs of the workflow `key` ("" every
/// one), newest first (by id, which sorts by start time). Folders whose
/// journal cannot be read are listed with `error` set when key is "".
std::vector<RunRecord> list_runs(const std::string& state_dir, const std::string& key = "");

/// Reads one run folder (state_dir/runs/<id>); nullopt when there is none.
std::optional<RunRecord> read_run(const std::string& state_dir, const std::string& id);

/// The run id that holds the state lock `name` ("deploy.yaml") of
/// state_dir, "" when it is held by a run that has not written its id yet;
/// nullopt when the lock is free. Never takes the lock from a holder.
std::optional<std::string> lock_holder(const std::string& state_dir, const std::string& name);

/// Milliseconds since the epoch of an RFC 3339 UTC time as the journal
/// writes it ("2026-11-22T21:35:01.123Z"); nullopt if malformed.
std::optional<int64_t> parse_utc_ms(std::string_view text);

/// Milliseconds since the epoch of the time in a run id
/// ("20261122-213501123-4f2a"); nullopt if it has none.
std::optional<int64_t> run_id_time_ms(std::string_view id);

/// An age for --older-than: days then the workflow's durations ("7d",
/// "1d12h", "12h", "90m"); nullopt if malformed.
std::optional<core::Millis> parse_age(std::string_view text);

/// Which runs of `runs` (newest first) a prune removes: those beyond the
/// `keep` newest, and older than `older_than` at `now_ms` (when both are
/// given, a run must be both). Never a run in progress, nor a run that a
/// kept run resumed (however far back). Indexes into runs.
std::vector<size_t> runs_to_prune(const std::vector<RunRecord>& runs, std::optional<size_t> keep,
                                  std::optional<core::Millis> older_than, int64_t now_ms);

/// Removes a run folder; its size in bytes, or a message naming it.
core::Expected<uint64_t, std::string> remove_run(const RunRecord& run);

}  // namespace wf::exec
