// A matrix step in a run: its instances when it starts, and its result
// from theirs when the last one ends. The scheduler (executor.cc) starts
// and cancels the instances.

#include "runner/exec/matrix_run.h"

#include <algorithm>

#include "runner/core/json.h"
#include "runner/exec/calls.h"
#include "runner/exec/resolve_step.h"
#include "runner/model/matrix.h"
#include "runner/model/resolve.h"

namespace wf::exec::detail {

namespace {

// The instances' values: the loader's for a static matrix, else the
// matrix's expressions evaluated now against what its needs produced.
core::Expected<std::vector<Value>, std::string> instance_values(const RunShared& run, const model::Step& step,
                                                                const Value& steps_context, const RunValues& values) {
  const model::Matrix& m = *step.matrix;
  if (!m.dynamic) return m.instances;
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(values, steps_context, Value(Value::Object{}), 1);
  ctx.hash_files_root = run.wf->dir_of(step);
  auto v = model::resolve_param(m.value, ctx);
  if (!v) return core::unexpected(v.error().loc.str() + ": matrix: " + v.error().message);
  auto instances = m.expression ? model::matrix_from_list(*v) : model::matrix_instances(*v);
  if (!instances) return core::unexpected(m.loc.str() + ": matrix of step '" + step.id + "': " + instances.error());
  return instances;
}

}  // namespace

std::string instance_file_key(const std::string& step_id, const Value& matrix) {
  return step_file_key(step_id) + "@" + definition_hash(core::to_json(matrix)).substr(0, 12);
}

std::string make_instances(const RunShared& run, StepState& s, const Value& steps_context, const RunValues& run_values) {
  const model::Step& step = *s.step;
  auto values = instance_values(run, step, steps_context, run_values);
  if (!values) return values.error();
  std::vector<std::string> names;
  if (step.matrix->dynamic) {
    auto n = model::instance_names(step.id, *values);
    if (!n) return step.matrix->loc.str() + ": matrix of step '" + step.id + "': " + n.error();
    names = std::move(*n);
  }
  const std::vector<std::string>& ids = step.matrix->dynamic ? names : step.matrix->names;
  s.instances.clear();
  s.instances.reserve(values->size());
  for (size_t k = 0; k < values->size(); ++k) {
    StepState inst;
    inst.step = &step;
    inst.index = s.index;
    // A dynamic matrix's values may hold a secret (a step's output): the
    // name goes to the journal, logs and observers.
    inst.id = step.matrix->dynamic ? run.deps->masker->mask(ids[k]) : ids[k];
    inst.file_key = instance_file_key(step.id, (*values)[k]);
    inst.matrix = (*values)[k];
    inst.instance = static_cast<int>(k);
    inst.selected = s.selected;
    s.instances.push_back(std::move(inst));
  }
  return "";
}

void aggregate_instances(StepState& s) {
  const StepState* failed = nullptr;
  const StepState* cancelled = nullptr;
  bool all_reused = !s.instances.empty();
  std::vector<std::string> names;  // output names, first seen first
  for (const auto& inst : s.instances) {
    if (inst.outcome == Outcome::kFailure && !failed) failed = &inst;
    if (inst.outcome == Outcome::kCancelled && !cancelled) cancelled = &inst;
    all_reused = all_reused && inst.reused;
    if (inst.outputs.is_object())
      for (const auto& [k, v] : inst.outputs.as_object())
        if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    s.links.insert(s.links.end(), inst.links.begin(), inst.links.end());
  }
  // Argo's fan-out result: each output a JSON list, in instance order.
  Value::Object outputs;
  for (const auto& name : names) {
    Value::Array list;
    list.reserve(s.instances.size());
    for (const auto& inst : s.instances) {
      const Value* v = inst.outputs.is_object() ? inst.outputs.find(name) : nullptr;
      list.push_back(v ? *v : Value());
    }
    outputs.emplace_back(name, core::to_json(Value(std::move(list))));
  }
  s.outputs = Value(std::move(outputs));
  s.reused = all_reused;
  size_t ok = 0;
  for (const auto& inst : s.instances) ok += inst.outcome == Outcome::kSuccess ? 1 : 0;
  std::string count = std::to_string(ok) + " of " + std::to_string(s.instances.size()) + " instances succeeded";
  if (failed) {
    s.outcome = Outcome::kFailure;
    s.reason = count + "; '" + failed->id + "' failed: " + failed->reason;
    if (!failed->attempts.empty()) s.failure_class = failed->attempts.back().failure_class;
  } else if (cancelled) {
    s.outcome = Outcome::kCancelled;
    s.reason = count + "; '" + cancelled->id + "': " + cancelled->reason;
  } else {
    s.outcome = Outcome::kSuccess;
    s.reason = count;
  }
}

}  // namespace wf::exec::detail
