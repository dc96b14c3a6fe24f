#include "runner/exec/contexts.h"

#include "runner/core/json.h"
#include "runner/model/resolve.h"

namespace wf::exec {

core::Value step_named_values(const RunValues& run, const core::Value& steps, const core::Value& step_env,
                              int attempt, const core::Value& matrix) {
  core::Value env = run.env;
  if (step_env.is_object())
    for (const auto& [k, v] : step_env.as_object()) env = env.with(k, v);
  core::Value wf(core::Value::Object{{"run_id", run.run_id}, {"workflow", run.workflow}, {"attempt", attempt}});
  core::Value::Object named{{"inputs", run.inputs}, {"secrets", run.secrets}, {"env", env},
                            {"steps", steps},        {"git", run.git},         {"wf", wf}};
  if (!matrix.is_null()) named.emplace_back("matrix", matrix);
  return core::Value(std::move(named));
}

core::Expected<RunValues, std::string> make_run_values(const model::Workflow& wf, core::Value inputs,
                                                       core::Value secrets, core::Value git, std::string run_id) {
  RunValues values;
  values.inputs = std::move(inputs);
  values.secrets = std::move(secrets);
  values.git = git.is_object() ? std::move(git) : core::Value(core::Value::Object{});
  values.run_id = std::move(run_id);
  values.workflow = wf.name;
  values.env = core::Value(core::Value::Object{});
  expr::EvalContext ctx;
  ctx.named_values = step_named_values(values, core::Value(core::Value::Object{}), core::Value(core::Value::Object{}), 1);
  ctx.hash_files_root = wf.dir;
  auto env = resolve_env(wf.env, ctx);
  if (!env) return core::unexpected(env.error());
  values.env = std::move(*env);
  return values;
}

core::Expected<core::Value, std::string> resolve_env(const std::vector<std::pair<std::string, model::Param>>& env,
                                                     const expr::EvalContext& ctx) {
  core::Value::Object out;
  for (const auto& [name, param] : env) {
    auto v = model::resolve_param(param, ctx);
    if (!v) return core::unexpected(v.error().loc.str() + ": env " + name + ": " + v.error().message);
    out.emplace_back(name, v->is_string() ? *v : core::Value(expr::to_string(*v)));
  }
  return core::Value(std::move(out));
}

}  // namespace wf::exec
