// Resolving a step's definition for one attempt: the executor's and wf plan's.

#include "runner/exec/resolve_step.h"

#include <filesystem>

#include "runner/core/hash.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/exec/script.h"
#include "runner/model/resolve.h"

namespace wf::exec {

namespace fs = std::filesystem;
using core::Value;

std::string definition_hash(const std::string& text) { return core::stable_hash(text); }

step_api::StepContext make_step_context(const model::Workflow& wf, const model::Step& step, const ResolvedStep& r,
                                        int attempt, std::string attempt_dir, const StepServices& services) {
  step_api::StepContext ctx;
  ctx.workflow_file = wf.file_of(step);
  ctx.step_id = step.id;
  ctx.attempt = attempt;
  ctx.with = r.with;
  ctx.env = r.env;
  ctx.working_directory = r.working_directory;
  ctx.attempt_dir = std::move(attempt_dir);
  ctx.log = services.log;
  ctx.processes = services.processes;
  ctx.http = services.http;
  ctx.git = services.git;
  ctx.cancel = services.cancel;
  ctx.clock = services.clock;
  ctx.stop = services.stop;
  return ctx;
}

namespace {

// `working-directory` is relative to the directory of the step's workflow file.
std::string absolute_dir(const std::string& base, const std::optional<std::string>& dir) {
  if (!dir || dir->empty()) return base;
  fs::path p(*dir);
  return (p.is_absolute() ? p : fs::path(base) / p).lexically_normal().string();
}

}  // namespace

core::Expected<ResolvedStep, std::string> resolve_step(const model::Workflow& wf, const model::Step& step,
                                                       const step_api::Registry& registry, const RunValues& values,
                                                       const Value& steps_context, int attempt,
                                                       const std::map<std::string, std::string>& base_env,
                                                       const Value& matrix) {
  const core::StepSchema& schema = registry.find(step.uses)->schema();
  ResolvedStep p;
  expr::EvalContext ctx;
  ctx.hash_files_root = wf.dir_of(step);
  ctx.named_values = step_named_values(values, steps_context, Value(Value::Object{}), attempt, matrix);
  auto step_env = resolve_env(step.env, ctx);
  if (!step_env) return core::unexpected(step_env.error());
  ctx.named_values = step_named_values(values, steps_context, *step_env, attempt, matrix);

  std::map<std::string, std::string> script_env;
  for (const auto& [name, param] : step.with) {
    const core::ParamSpec* spec = schema.find(name);
    auto tmpl = param.templates.find("");
    if (spec && spec->script && tmpl != param.templates.end() && tmpl->second.has_expressions()) {
      auto script = render_script(tmpl->second, ctx);
      if (!script) return core::unexpected(param.loc.str() + ": " + name + ": " + script.error().message);
      p.with = p.with.with(name, script->text);
      script_env.insert(script->env.begin(), script->env.end());
      continue;
    }
    auto v = model::resolve_param(param, ctx);
    if (!v) return core::unexpected(v.error().loc.str() + ": " + name + ": " + v.error().message);
    p.with = p.with.with(name, *v);
  }
  if (step.shell && schema.find("shell") && !p.with.find("shell")) p.with = p.with.with("shell", *step.shell);
  for (const auto& spec : schema.params) {
    const Value* v = p.with.find(spec.name);
    if (!v && !spec.default_value.is_null()) p.with = p.with.with(spec.name, spec.default_value);
    if (v && !v->is_null()) {
      std::string problem = core::check_param_value(spec, *v);
      if (!problem.empty()) return core::unexpected(step.loc.str() + ": with." + spec.name + ": " + problem);
    }
  }
  if (!script_env.empty()) {
    const Value* shell = p.with.find("shell");
    std::string sh = shell && shell->is_string() ? shell->as_string() : "bash";
    if (!core::is_posix_shell(sh))
      return core::unexpected(step.loc.str() + ": expressions in a '" + sh +
                              "' script are not supported; pass values through env:");
  }

  p.env = base_env;
  for (const auto& [k, v] : values.env.as_object()) p.env[k] = v.as_string();
  for (const auto& [k, v] : step_env->as_object()) p.env[k] = v.as_string();
  for (const auto& [k, v] : script_env) p.env[k] = v;
  p.working_directory = absolute_dir(wf.dir_of(step), step.working_directory);
  // The hash covers what the step would do, not which attempt it is.
  std::string def = step.uses + "\n" + core::to_json(p.with) + "\n" + core::to_json(*step_env) + "\n" +
                    p.working_directory;
  for (const auto& [k, v] : script_env) def += "\n" + k + "=" + v;
  if (!matrix.is_null()) def += "\nmatrix=" + core::to_json(matrix);
  p.hash = definition_hash(def);
  return p;
}

std::string missing_path(const model::Step& step, const core::StepSchema& schema, const ResolvedStep& r) {
  for (const auto& spec : schema.params) {
    if (spec.must_exist == core::PathKind::kNone) continue;
    const Value* v = r.with.find(spec.name);
    if (!v) continue;
    std::vector<std::string> paths;
    if (v->is_string()) paths.push_back(v->as_string());
    if (v->is_array())
      for (const auto& item : v->as_array())
        if (item.is_string()) paths.push_back(item.as_string());
    for (const auto& path : paths) {
      fs::path p = fs::path(path).is_absolute() ? fs::path(path) : fs::path(r.working_directory) / path;
      std::error_code ec;
      bool ok = spec.must_exist == core::PathKind::kFile        ? fs::is_regular_file(p, ec)
                : spec.must_exist == core::PathKind::kDirectory ? fs::is_directory(p, ec)
                                                                : fs::exists(p, ec);
      if (ok) continue;
      const char* kind = spec.must_exist == core::PathKind::kFile        ? "file"
                         : spec.must_exist == core::PathKind::kDirectory ? "directory"
                                                                         : "file or directory";
      return step.loc.str() + ": with." + spec.name + ": " + kind + " '" + path + "' does not exist (relative to " +
             r.working_directory + ")";
    }
  }
  return "";
}

}  // namespace wf::exec
