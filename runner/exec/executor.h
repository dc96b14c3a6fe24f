#pragma once
// `wf run`: the scheduler. Starts steps as soon as their needs are done, up
// to `jobs` at once; evaluates conditions; retries failed attempts by their
// class and the step's policy; enforces timeouts; journals every state change.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/core/cancel.h"
#include "runner/core/secret_masker.h"
#include "runner/core/clock.h"
#include "runner/exec/observer.h"
#include "runner/model/workflow.h"
#include "runner/services/git_repo.h"
#include "runner/services/http_client.h"
#include "runner/services/process_runner.h"
#include "runner/step_api/registry.h"

namespace wf::exec {

using core::Clock;

struct RunOptions {
  int jobs = 0;                          // 0: number of cores
  bool keep_going = false;               // run every step that can still run after a failure
  std::vector<std::string> only;         // run only these steps and what they need
  std::string state_dir;                 // "": <workflow dir>/.wf
  bool resume = false;                   // continue the last unfinished or failed run
  std::string resume_id;                 // ... or this one
  bool wait_lock = false;
  size_t keep_runs = 0;                  // >0: afterwards, remove all but this many runs (prune_runs)
  Value inputs;                          // resolved inputs (object)
  Value secrets;                         // secret values (object); each is masked
  Value git;                             // the `git` context (object; {} outside a repository)
  services::StopPolicy stop;             // how steps are stopped
  /// How steps that follow the hard cancel (always()/cancelled() steps) are
  /// stopped, when it must be quicker than `stop` (GitHub's runner kills wf
  /// 2.5 s after its SIGTERM); unset: `stop`.
  std::optional<services::StopPolicy> hard_stop;
  std::map<std::string, std::string> base_env;  // the environment steps inherit (wf's own)
};

/// What the executor needs from the outside world; all owned by the caller
/// and outliving run(). Tests pass fakes.
struct ExecutorDeps {
  const step_api::Registry* registry = nullptr;
  services::ProcessRunner* processes = nullptr;
  services::HttpClient* http = nullptr;
  services::GitRepo* git = nullptr;
  Clock* clock = nullptr;
  std::vector<RunObserver*> observers;
  core::SecretMasker* masker = nullptr;
  /// Cancelled on Ctrl-C / SIGTERM: running steps are stopped and recorded
  /// cancelled; steps not started are skipped unless their `if` uses
  /// always() or cancelled().
  core::CancelToken* cancel = nullptr;
  /// Cancelled by a second Ctrl-C: also stops the always()/cancelled() steps
  /// that started after the first. Optional.
  core::CancelToken* hard_cancel = nullptr;
  std::function<double()> random01;      // backoff jitter; default: real random
  /// Told what the run waits for before it starts (--wait-lock). Optional.
  std::function<void(const std::string&)> notify_waiting;
  /// Stops whatever the run being resumed left running (its steps'
  /// processes outlive a wf killed with SIGKILL), before anything runs.
  /// Optional: `wf run` passes adapters::stop_run_processes.
  std::function<void(const std::string& run_id)> stop_dead_run;
};

/// Runs the workflow. Never throws for step failures; returns the run's end
/// (exit_code 0 success, 1 failed, 130 interrupted). Setup failures (lock
/// held, state dir not writable, nothing to resume) are reported as an
/// unexpected string, exit code 2 for the caller.
core::Expected<RunEnd, std::string> run_workflow(const model::Workflow& wf, const RunOptions& options,
                                                 const ExecutorDeps& deps);

}  // namespace wf::exec
