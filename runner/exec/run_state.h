#pragma once
// The executor's internal state of one run, shared by the scheduler
// (executor.cc) and the attempt runner (attempt.cc). Not a public API.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "runner/core/log.h"
#include "runner/exec/contexts.h"
#include "runner/exec/executor.h"
#include "runner/exec/state.h"

namespace wf::exec::detail {

struct AttemptRecord {
  int attempt = 1;
  bool ok = false;
  FailureClass failure_class = FailureClass::kPermanent;
  std::string summary;
  Millis duration{0};
  std::string log_file;
  Millis start{0};                      // since the run started (RunShared::started)
  Millis retry_delay{0};                // the backoff wait that followed it (0: no retry)
};

struct StepState {
  const model::Step* step = nullptr;
  size_t index = 0;
  /// What the journal, logs and observers call it: the step's id, or for an
  /// instance of a matrix step GitHub's "deploy (a, us)".
  std::string id;
  /// Names its files under .wf/runs/ID/ (logs, scratch): the id, or for an
  /// instance "deploy@" and a hash of its values (matrix_run.h).
  std::string file_key;
  Value matrix;                         // an instance's `matrix` context; null otherwise
  int instance = -1;                    // its index among the step's instances; -1: not an instance
  /// A matrix step's instances, made when it starts (never resized after:
  /// their jobs point into it).
  std::vector<StepState> instances;
  std::optional<FailureClass> failure_class;  // a failure before any attempt (a dynamic matrix's error)
  enum class Phase { kPending, kRunning, kDone } phase = Phase::kPending;
  bool selected = true;                 // --only
  Outcome outcome = Outcome::kSuccess;
  std::string reason;
  Value outputs = Value(Value::Object{});  // real values, for expressions
  std::vector<std::pair<std::string, std::string>> links;
  std::vector<AttemptRecord> attempts;
  std::string definition_hash;
  bool reused = false;
  Millis duration{0};
  std::optional<Millis> start;          // since the run started (or settled, when it never ran)
  /// $GITHUB_ENV / $GITHUB_PATH of its successful attempt (see step_files.h),
  /// null when none; what the steps that need it inherit.
  Value exports;
  std::string step_summary;             // $GITHUB_STEP_SUMMARY of its last attempt, masked
  size_t finish_seq = 0;                // 1 + how many steps finished before it; 0 while not done
};

/// What attempt.cc needs to run one step to its end (all attempts).
struct StepJob {
  StepState* state = nullptr;
  Value steps_context;                  // {id: {outputs, outcome, conclusion}} of finished steps
  const core::CancelToken* cancel = nullptr;  // the token this step's attempts follow
  const JournalStep* previous = nullptr;      // --resume: what the earlier run recorded
  std::vector<Value> inherited;               // exports of the steps it needs, in finishing order
  /// What its expressions read: the run's values, or for a step of a called
  /// file that file's (calls.h). Null: the run's.
  const RunValues* values = nullptr;
};

/// The run-wide things every step job uses.
struct RunShared {
  const model::Workflow* wf = nullptr;
  const RunOptions* options = nullptr;
  const ExecutorDeps* deps = nullptr;
  RunValues values;
  std::string run_dir;
  Clock::TimePoint started{};           // what attempts' start times count from
  std::string started_at;               // the same, RFC 3339 UTC (report.html)
  Journal* journal = nullptr;
  std::mutex observer_mu;               // observers are called one at a time

  template <class F>
  void notify(F&& f) {
    std::lock_guard<std::mutex> lock(observer_mu);
    for (RunObserver* o : deps->observers) f(*o);
  }
  /// The masked form of a value (strings inside masked).
  Value masked(const Value& v) const;
};

/// wf's debug log for the time of a run: the run's masker applies to every
/// message (on stderr too), and a copy goes to run_dir/wf.log. Restores
/// the masker it replaced.
struct RunLogScope {
  RunLogScope(const std::string& run_dir, const core::SecretMasker* masker)
      : masker_scope(masker), file(run_dir + "/wf.log") {}
  core::log::MaskerScope masker_scope;
  core::log::FileScope file;
};

/// Fills `run` for a run of `wf` with id `run_id` under `state_dir`: its
/// folder (with logs/), its journal (owned by the result) and its named
/// values. What run_workflow and run_single_step share.
core::Expected<std::unique_ptr<Journal>, std::string> open_run(RunShared& run, const model::Workflow& wf,
                                                               const RunOptions& options, const ExecutorDeps& deps,
                                                               const std::string& state_dir,
                                                               const std::string& run_id);

/// What observers get when a step ends: its state, outputs masked. One
/// builder for the scheduler and run_single_step.
StepEnd step_end(const StepState& s, const RunShared& run);

/// Writes run_dir/report.json (indented by 2, atomically) one step at a
/// time: the whole report as one value was the peak of a large run's memory
/// (report_json.cc). Returns true or a message naming the path.
core::Expected<bool, std::string> write_report_json(const RunShared& run, const std::vector<StepState>& states,
                                                    const RunEnd& end);

/// Runs every attempt of a step (retries, backoff, timeouts) and fills
/// job.state's outcome, outputs, attempts. Called on the step's own thread.
void run_step(RunShared& run, StepJob& job);

}  // namespace wf::exec::detail
