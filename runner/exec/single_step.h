#pragma once
// `wf step`: one step of a workflow run alone, once, with what its needs
// produced given by the caller (an Argo task, a script). The same attempt
// machinery as `wf run` (resolution, step types, masking, timeout); no
// retries (the caller's orchestrator retries) and no state lock.

#include <map>
#include <string>

#include "runner/core/expected.h"
#include "runner/exec/executor.h"

namespace wf::exec {

/// How a need of the step ended, and what it output (real values).
struct NeedResult {
  Outcome outcome = Outcome::kSuccess;
  Value outputs = Value(Value::Object{});
};

struct SingleStepOptions {
  std::string step_id;
  /// The run's id (`wf.run_id`, WF_RUN_ID) and its directory
  /// <state_dir>/runs/<run_id>/: the same id across retries of the step lets
  /// idempotency records there (gh-dispatch's) be found again. "" = a new id.
  std::string run_id;
  /// By step id; a transitive need missing here counts as succeeded with no
  /// outputs.
  std::map<std::string, NeedResult> needs;
  /// For a step with a `matrix:`, the one instance to run: its `matrix`
  /// context (an object, as an Argo withItems/withParam item gives it).
  Value matrix;
};

struct SingleStepEnd {
  std::string run_id;
  Outcome outcome = Outcome::kSuccess;
  FailureClass failure_class = FailureClass::kPermanent;  // when outcome is failure
  std::string reason;                                     // masked
  Value outputs = Value(Value::Object{});                 // real values (unmasked)
};

/// Runs step `opts.step_id` of `wf` once: decides its `if:` as the scheduler
/// would with the given need outcomes (a need that did not succeed skips a
/// step without a status function; failure() sees failed transitive needs),
/// then runs one attempt under the step's `timeout:` (`retry:` and
/// `timeout-total:` are ignored). Uses options.inputs/secrets/git/state_dir/
/// stop/base_env; appends to <state_dir>/runs/<run_id>/journal.jsonl without
/// locking the state directory (several steps of one run may run at once,
/// on machines sharing it). Step failures are values; setup failures (an
/// unknown step, a state directory that cannot be written) are the error.
core::Expected<SingleStepEnd, std::string> run_single_step(const model::Workflow& wf, const RunOptions& options,
                                                           const SingleStepOptions& opts, const ExecutorDeps& deps);

}  // namespace wf::exec
