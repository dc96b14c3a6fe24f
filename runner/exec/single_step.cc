// `wf step`: the scheduler's decision for one step whose needs are given,
// then run_step() (attempt.cc) with retries turned off.

#include "runner/exec/single_step.h"

#include <filesystem>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/matrix_run.h"
#include "runner/exec/run_state.h"
#include "runner/graph/dag.h"
#include "runner/model/matrix.h"

namespace wf::exec {

namespace fs = std::filesystem;

namespace {

NeedResult need_of(const SingleStepOptions& opts, const std::string& id) {
  auto it = opts.needs.find(id);
  return it == opts.needs.end() ? NeedResult{} : it->second;
}

// steps.<id> of each step the step's expressions read, as the scheduler
// builds it (executor.cc steps_context).
Value steps_context(const model::Workflow& wf, size_t index, const SingleStepOptions& opts) {
  const model::Step& step = wf.steps[index];
  Value::Object out;
  auto add = [&](const model::Step& s) {
    for (const auto& [k, v] : out)
      if (k == s.id) return;
    NeedResult r = need_of(opts, s.id);
    const char* conclusion =
        r.outcome == Outcome::kFailure && s.continue_on_error ? "success" : outcome_name(r.outcome);
    out.emplace_back(s.id, Value(Value::Object{
                               {"outputs", r.outputs}, {"outcome", outcome_name(r.outcome)}, {"conclusion", conclusion}}));
  };
  if (step.reads_all_steps) {
    for (size_t n : graph::transitive_needs(wf, index)) add(wf.steps[n]);
  } else {
    for (const auto& ref : step.step_refs)
      if (const model::Step* s = wf.step(ref.id)) add(*s);
  }
  return Value(std::move(out));
}

struct Decision {
  bool run = true;
  Outcome outcome = Outcome::kSkipped;  // when !run
  std::string reason;
};

// graph::Plan::decide for a step whose needs have all finished as given.
Decision decide(const model::Workflow& wf, size_t index, const SingleStepOptions& opts, const RunValues& values,
                bool cancelled) {
  const model::Step& step = wf.steps[index];
  bool status_function = step.if_ && step.if_->uses_status_function();
  if (!status_function) {
    if (cancelled) return {false, Outcome::kSkipped, "cancelled before it started"};
    for (const auto& need : step.needs) {
      const model::Step* n = wf.step(need.id);
      NeedResult r = need_of(opts, need.id);
      bool ok = r.outcome == Outcome::kSuccess || (r.outcome == Outcome::kFailure && n && n->continue_on_error);
      if (!ok) return {false, Outcome::kSkipped, "needs '" + need.id + "', which ended " + outcome_name(r.outcome)};
    }
    if (!step.if_) return {};
  }
  bool failed = false;
  for (size_t n : graph::transitive_needs(wf, index))
    if (need_of(opts, wf.steps[n].id).outcome == Outcome::kFailure && !wf.steps[n].continue_on_error) failed = true;
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(values, steps_context(wf, index, opts), Value(Value::Object{}), 1);
  ctx.status = cancelled ? expr::JobStatus::kCancelled : failed ? expr::JobStatus::kFailure : expr::JobStatus::kSuccess;
  ctx.hash_files_root = wf.dir;
  auto r = expr::evaluate_condition(*step.if_, ctx);
  if (!r) return {false, Outcome::kFailure, step.if_loc.str() + ": if: " + r.error().message};
  if (!*r) return {false, Outcome::kSkipped, "if: " + core::trim(step.if_->text()) + " is false"};
  return {};
}

void journal_end(detail::RunShared& run, const detail::StepState& s) {
  run.journal->append(Value(Value::Object{{"event", "step_finished"},
                                          {"step", s.id},
                                          {"outcome", outcome_name(s.outcome)},
                                          {"definition_hash", s.definition_hash},
                                          {"outputs", run.masked(s.outputs)},
                                          {"attempts", static_cast<int>(s.attempts.size())},
                                          {"reason", s.reason},
                                          {"single_step", true}}));
}

}  // namespace

core::Expected<SingleStepEnd, std::string> run_single_step(const model::Workflow& wf_in, const RunOptions& options,
                                                           const SingleStepOptions& opts, const ExecutorDeps& deps) {
  const model::Step* found = wf_in.step(opts.step_id);
  if (!found) return core::unexpected("no step '" + opts.step_id + "' in " + wf_in.file);
  if (found->matrix && !opts.matrix.is_object())
    return core::unexpected("step '" + opts.step_id + "' has a matrix: give the instance to run with --matrix '{\"key\": ...}'");
  if (!found->matrix && !opts.matrix.is_null())
    return core::unexpected("step '" + opts.step_id + "' has no matrix; --matrix applies to a step with one");
  // One attempt: the orchestrator around `wf step` owns retries.
  model::Workflow wf = wf_in;
  size_t index = static_cast<size_t>(found - wf_in.steps.data());
  wf.steps[index].retry.limit = 0;
  wf.steps[index].timeout_total.reset();

  std::string state_dir = options.state_dir.empty() ? (fs::path(wf.dir) / ".wf").string() : options.state_dir;
  std::string run_id = opts.run_id.empty() ? new_run_id() : opts.run_id;
  detail::RunShared run;
  auto journal = detail::open_run(run, wf, options, deps, state_dir, run_id);
  if (!journal) return core::unexpected(journal.error());
  detail::RunLogScope log_scope(run.run_dir, deps.masker);
  run.journal->append(Value(Value::Object{{"event", "step_started"},
                                          {"run_id", run_id},
                                          {"step", opts.step_id},
                                          {"file", wf.file},
                                          {"inputs", run.masked(options.inputs)}}));

  detail::StepState state;
  state.step = &wf.steps[index];
  state.index = index;
  state.id = state.file_key = opts.step_id;
  if (found->matrix) {
    // Instances of one step may share the state directory (Argo pods).
    state.matrix = opts.matrix;
    state.id = model::instance_name(opts.step_id, opts.matrix);
    state.file_key = detail::instance_file_key(opts.step_id, opts.matrix);
  }
  Decision d = decide(wf, index, opts, run.values, deps.cancel->cancelled());
  if (d.run) {
    detail::StepJob job;
    job.state = &state;
    job.steps_context = steps_context(wf, index, opts);
    job.cancel = deps.cancel;
    detail::run_step(run, job);
  } else {
    state.outcome = d.outcome;
    state.reason = deps.masker->mask(d.reason);
    if (core::log::enabled(core::log::Level::kDebug))
      core::log::debug("step " + opts.step_id + " not run: " + outcome_name(d.outcome) + " (" + d.reason + ")");
  }
  journal_end(run, state);
  StepEnd end = detail::step_end(state, run);
  run.notify([&](RunObserver& o) { o.step_finished(end); });

  SingleStepEnd out;
  out.run_id = run_id;
  out.outcome = state.outcome;
  out.reason = state.reason;
  out.outputs = state.outputs;
  if (!state.attempts.empty()) out.failure_class = state.attempts.back().failure_class;
  if (state.outcome == Outcome::kCancelled) out.failure_class = FailureClass::kCancelled;
  return out;
}

}  // namespace wf::exec
