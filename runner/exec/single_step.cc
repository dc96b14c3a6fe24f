// `wf step`: the scheduler's decision for one step whose needs are given,
// then run_step() (attempt.cc) with retries turned off.

#include "runner/exec/single_step.h"

#include <filesystem>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/calls.h"
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
// builds it (executor.cc steps_context): a called file's step sees the
// steps of its file, by their ids there.
Value steps_context(const model::Workflow& wf, size_t index, const SingleStepOptions& opts) {
  const model::Step& step = wf.steps[index];
  const size_t strip = step.scope == 0 ? 0 : wf.scopes[step.scope].prefix.size();
  Value::Object out;
  auto add = [&](const model::Step& s) {
    if (s.scope != step.scope) return;
    std::string id = s.id.substr(strip);
    for (const auto& [k, v] : out)
      if (k == id) return;
    out.emplace_back(std::move(id), [&] {
      NeedResult r = need_of(opts, s.id);
      return step_entry(s, r.outcome, r.outputs);
    }());
  };
  if (step.reads_all_steps) {
    for (size_t n : graph::transitive_needs(wf, index)) add(wf.steps[n]);
  } else {
    for (const auto& ref : step.step_refs)
      if (const model::Step* s = wf.step(ref.id)) add(*s);
  }
  return Value(std::move(out));
}

// The values of scope `sc`'s steps (calls.h), from what the calling steps'
// needs produced as given.
core::Expected<RunValues, std::string> values_of(const model::Workflow& wf, size_t sc, const RunValues& run,
                                                 const SingleStepOptions& opts, core::SecretMasker* masker) {
  if (sc == 0) return run;
  const model::Scope& scope = wf.scopes[sc];
  auto caller = values_of(wf, scope.parent, run, opts, masker);
  if (!caller) return caller;
  return call_values(wf, sc, *caller, steps_context(wf, scope.call, opts), masker);
}

bool failed_before(const model::Workflow& wf, size_t index, const SingleStepOptions& opts) {
  for (size_t n : graph::transitive_needs(wf, index))
    if (need_of(opts, wf.steps[n].id).outcome == Outcome::kFailure && !wf.steps[n].continue_on_error) return true;
  return false;
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
  bool failed = failed_before(wf, index, opts);
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(values, steps_context(wf, index, opts), Value(Value::Object{}), 1);
  ctx.status = cancelled ? expr::JobStatus::kCancelled : failed ? expr::JobStatus::kFailure : expr::JobStatus::kSuccess;
  ctx.hash_files_root = wf.dir_of(step);
  auto r = expr::evaluate_condition(*step.if_, ctx);
  if (!r) return {false, Outcome::kFailure, step.if_loc.str() + ": if: " + r.error().message};
  if (!*r) return {false, Outcome::kSkipped, "if: " + core::trim(step.if_->text()) + " is false"};
  return {};
}

// The if: of the steps that call step `index`'s file, up the calls: a
// called file's step runs only where they held.
Decision decide_gate(const model::Workflow& wf, size_t index, const SingleStepOptions& opts, const RunValues& run,
                     bool cancelled, core::SecretMasker* masker) {
  for (size_t sc = wf.steps[index].scope; sc != 0; sc = wf.scopes[sc].parent) {
    size_t call = wf.scopes[sc].call;
    if (!wf.steps[call].if_) continue;
    auto values = values_of(wf, wf.steps[call].scope, run, opts, masker);
    if (!values) return {false, Outcome::kFailure, values.error()};
    Decision d = decide(wf, call, opts, *values, cancelled);
    if (!d.run) return d;
  }
  return {};
}

// A workflow step: its end from its file's steps as given (calls.h).
void end_call(const model::Workflow& wf, size_t index, const SingleStepOptions& opts, const RunValues& run,
              core::SecretMasker* masker, detail::StepState& state) {
  const model::Step& call = wf.steps[index];
  auto member = [&](size_t n) {
    NeedResult r = need_of(opts, wf.steps[n].id);
    return Member{r.outcome, "", step_entry(wf.steps[n], r.outcome, r.outputs)};
  };
  auto values = values_of(wf, *call.calls, run, opts, masker);
  CallEnd end = call_end(wf, call, member, values ? &*values : nullptr);
  state.outcome = end.outcome;
  state.reason = masker->mask(end.reason);
  state.outputs = std::move(end.outputs);
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

  // Absolute: steps run in their workflow's folder, and their script and
  // scratch files are under the state directory (a relative --state-dir
  // named from elsewhere was not found).
  std::string state_dir = options.state_dir.empty() ? (fs::path(wf.dir) / ".wf").string()
                                                     : fs::absolute(options.state_dir).lexically_normal().string();
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
  state.id = opts.step_id;
  state.file_key = step_file_key(opts.step_id);
  if (found->matrix) {
    // Instances of one step may share the state directory (Argo pods).
    state.matrix = opts.matrix;
    state.id = model::instance_name(opts.step_id, opts.matrix);
    state.file_key = detail::instance_file_key(opts.step_id, opts.matrix);
  }
  auto values = values_of(wf, found->scope, run.values, opts, deps.masker);
  Decision d = decide_gate(wf, index, opts, run.values, deps.cancel->cancelled(), deps.masker);
  if (d.run && !values) d = {false, Outcome::kFailure, values.error()};
  if (d.run && !found->calls) d = decide(wf, index, opts, *values, deps.cancel->cancelled());
  if (d.run && found->calls) {
    end_call(wf, index, opts, run.values, deps.masker, state);
  } else if (d.run) {
    detail::StepJob job;
    job.state = &state;
    job.values = &*values;
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
