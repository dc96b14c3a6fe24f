#pragma once
// The plan of a run: which step is ready, which is skipped and why, and what
// a failure or a cancel stops. A pure function of the DAG, the answers to the
// steps' `if:` conditions and the outcomes so far; the executor asks it and
// starts what it says (Tekton's dag.go, ninja's Plan). Tested without
// running anything.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runner/model/workflow.h"

namespace wf::graph {

/// A step's final result, as `steps.<id>.outcome` shows it.
enum class Outcome { kSuccess, kFailure, kSkipped, kCancelled };
const char* outcome_name(Outcome o);

/// What the plan needs to know of one step.
struct PlanStep {
  std::string id;
  std::vector<size_t> needs;      // indexes of the steps it needs
  bool has_if = false;            // an `if:` (else success())
  bool status_function = false;   // the `if:` calls success(), failure(), always() or cancelled()
  std::string if_text;            // the condition as written, for "if: ... is false"
  bool continue_on_error = false;
  bool selected = true;           // false: left out by --only
};

/// The job status an `if:`'s status functions see for a step: failure when
/// a transitive need failed, cancelled when the run was cancelled.
enum class JobStatus { kSuccess, kFailure, kCancelled };

/// The value of a step's `if:` under a status; an error message makes the
/// step fail without running. The executor evaluates the expression; tests
/// give answers.
struct Condition {
  bool value = true;
  std::string error;
};
using ConditionFn = std::function<Condition(size_t step, JobStatus status)>;

/// What the plan decided for a step that does not run.
struct Settled {
  size_t step = 0;
  Outcome outcome = Outcome::kSkipped;   // kSkipped, or kFailure for an `if:` error
  std::string reason;
};

/// One call's decisions: steps to start now (marked running) and steps
/// settled without running, in file order.
struct Advance {
  std::vector<size_t> start;
  std::vector<Settled> settled;
};

class Plan {
 public:
  enum class State { kPending, kRunning, kDone };

  Plan(std::vector<PlanStep> steps, bool keep_going);
  /// The plan of a workflow; `only` (step ids) selects those steps and what
  /// they need, all steps when empty.
  static Plan of(const model::Workflow& wf, bool keep_going, const std::vector<std::string>& only = {});

  /// Decides each pending step whose needs are done, in file order: settles
  /// those that must not run, and returns up to `capacity` to start. A step
  /// whose `if:` uses no status function is skipped once the run is
  /// `cancelled`, once a step failed (unless keep_going), or when a need did
  /// not succeed (a need that failed with continue-on-error counts as
  /// success); a step with a status function runs when its `if:` is true.
  /// `cond` is called only for steps with an `if:`.
  Advance advance(size_t capacity, bool cancelled, const ConditionFn& cond);

  /// Records the end of a started step.
  void finish(size_t step, Outcome outcome);

  bool done() const { return done_count_ == steps_.size(); }
  size_t running() const { return running_; }
  State state(size_t step) const { return state_[step]; }
  Outcome outcome(size_t step) const { return outcome_[step]; }
  /// A step failed (not continue-on-error): the run fails.
  bool failed() const { return !first_failure_.empty(); }
  const std::string& first_failure() const { return first_failure_; }
  /// Whether a transitive need of `step` failed (for failure()).
  bool ancestor_failed(size_t step) const;
  size_t size() const { return steps_.size(); }
  const PlanStep& step(size_t i) const { return steps_[i]; }

 private:
  std::optional<Settled> decide(size_t step, bool cancelled, const ConditionFn& cond, bool& run) const;
  void settle(const Settled& s);
  void note_outcome(size_t step, Outcome outcome);

  std::vector<PlanStep> steps_;
  bool keep_going_;
  std::vector<State> state_;
  std::vector<Outcome> outcome_;
  std::vector<size_t> unfinished_needs_;       // per step: needs not yet done
  std::vector<std::vector<size_t>> dependents_;
  std::set<size_t> ready_;                     // pending steps whose needs are done (file order)
  size_t running_ = 0;
  size_t done_count_ = 0;
  std::string first_failure_;
};

}  // namespace wf::graph
