// Workflow steps in a run: the called file's values, and the calling
// step's end from its file's steps.

#include "runner/exec/calls.h"

#include <algorithm>
#include <optional>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/model/inputs.h"
#include "runner/model/resolve.h"

namespace wf::exec {

using core::Value;

namespace {

// An input's value as its declared type; "" or why it does not fit.
std::string typed_input(const model::InputDecl& in, Value& v) {
  if (v.is_null()) v = in.default_value;
  if (v.is_null()) return in.required ? "is required, and the value given is null" : "";
  if (v.is_array() || v.is_object()) return "must be a single value, got " + core::to_json(v);
  auto typed = model::typed_input(in, v);
  if (!typed) return model::input_type_expectation(in) + ", got '" + expr::to_string(v) + "'";
  v = std::move(*typed);
  return "";
}

core::Expected<Value, std::string> call_inputs(const model::Step& call, const model::Scope& sc,
                                               const expr::EvalContext& ctx) {
  Value::Object out;
  for (const auto& in : sc.inputs) {
    const model::Param* p = call.param(in.name);
    Value v;
    if (p) {
      auto r = model::resolve_param(*p, ctx);
      if (!r) return core::unexpected(r.error().loc.str() + ": input '" + in.name + "': " + r.error().message);
      v = std::move(*r);
    }
    if (std::string problem = typed_input(in, v); !problem.empty())
      return core::unexpected((p ? p->loc : call.uses_loc).str() + ": input '" + in.name + "' of " + call.uses + " (" +
                              in.type + ") " + problem);
    out.emplace_back(in.name, std::move(v));
  }
  return Value(std::move(out));
}

core::Expected<Value, std::string> call_secrets(const model::Step& call, const model::Scope& sc,
                                                const expr::EvalContext& ctx, core::SecretMasker* masker) {
  Value::Object out;
  for (const auto& decl : sc.secrets) {
    auto given = std::find_if(call.secrets.begin(), call.secrets.end(),
                              [&](const auto& kv) { return kv.first == decl.name; });
    if (given == call.secrets.end()) {
      out.emplace_back(decl.name, Value(""));  // not required (the loader checked)
      continue;
    }
    auto r = model::resolve_param(given->second, ctx);
    if (!r) return core::unexpected(r.error().loc.str() + ": secret '" + decl.name + "': " + r.error().message);
    std::string text = r->is_null() ? "" : expr::to_string(*r);
    // A value made from a secret (a prefix added) is a secret of its own.
    if (masker && !text.empty()) masker->add(text);
    out.emplace_back(decl.name, Value(std::move(text)));
  }
  return Value(std::move(out));
}

}  // namespace

core::Expected<RunValues, std::string> call_values(const model::Workflow& wf, size_t scope, const RunValues& caller,
                                                   const Value& caller_steps, core::SecretMasker* masker) {
  const model::Scope& sc = wf.scopes.at(scope);
  const model::Step& call = wf.steps.at(sc.call);
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(caller, caller_steps, Value(Value::Object{}), 1);
  ctx.hash_files_root = wf.dir_of(call);
  auto inputs = call_inputs(call, sc, ctx);
  if (!inputs) return core::unexpected(inputs.error());
  auto secrets = call_secrets(call, sc, ctx, masker);
  if (!secrets) return core::unexpected(secrets.error());
  RunValues values;
  values.inputs = std::move(*inputs);
  values.secrets = std::move(*secrets);
  values.git = caller.git;
  values.run_id = caller.run_id;
  values.workflow = caller.workflow;
  values.env = Value(Value::Object{});
  expr::EvalContext env_ctx;
  env_ctx.named_values = step_named_values(values, Value(Value::Object{}), Value(Value::Object{}), 1);
  env_ctx.hash_files_root = sc.dir;
  auto env = resolve_env(sc.env, env_ctx);
  if (!env) return core::unexpected(env.error());
  values.env = std::move(*env);
  return values;
}

CallEnd call_end(const model::Workflow& wf, const model::Step& call, const std::function<Member(size_t)>& member,
                 const RunValues* values) {
  const model::Scope& sc = wf.scopes.at(*call.calls);
  CallEnd end;
  std::optional<std::pair<size_t, Member>> failed, cancelled, skipped;
  size_t members = 0, skips = 0;
  Value::Object steps;
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    const model::Step& s = wf.steps[i];
    if (s.scope != *call.calls) continue;
    Member m = member(i);
    ++members;
    if (m.outcome == Outcome::kFailure && !s.continue_on_error && !failed) failed.emplace(i, m);
    if (m.outcome == Outcome::kCancelled && !cancelled) cancelled.emplace(i, m);
    if (m.outcome == Outcome::kSkipped && !skips++) skipped.emplace(i, m);
    if (!m.entry.is_null()) steps.emplace_back(s.id.substr(sc.prefix.size()), std::move(m.entry));
  }
  if (failed)
    return {Outcome::kFailure, "step '" + wf.steps[failed->first].id + "' failed: " + failed->second.reason, end.outputs};
  if (cancelled) return {Outcome::kCancelled, "step '" + wf.steps[cancelled->first].id + "' was cancelled", end.outputs};
  if (members > 0 && skips == members) return {Outcome::kSkipped, skipped->second.reason, end.outputs};
  if (!values) return end;
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(*values, Value(std::move(steps)), Value(Value::Object{}), 1);
  ctx.hash_files_root = sc.dir;
  Value::Object outputs;
  for (const auto& [name, param] : sc.outputs) {
    auto v = model::resolve_param(param, ctx);
    if (!v) return {Outcome::kFailure, v.error().loc.str() + ": output '" + name + "': " + v.error().message, end.outputs};
    outputs.emplace_back(name, v->is_null() || v->is_string() ? *v : Value(expr::to_string(*v)));
  }
  end.outputs = Value(std::move(outputs));
  return end;
}

Value step_entry(const model::Step& step, Outcome outcome, const Value& outputs) {
  const char* conclusion = outcome == Outcome::kFailure && step.continue_on_error ? "success" : outcome_name(outcome);
  return Value(Value::Object{{"outputs", outputs}, {"outcome", outcome_name(outcome)}, {"conclusion", conclusion}});
}

std::string step_file_key(const std::string& id) {
  std::string key = id;
  std::replace(key.begin(), key.end(), '/', '.');
  return key;
}

}  // namespace wf::exec
