#include "tests/runner/model/model_test_support.h"

namespace wf::model::test {

namespace {

using core::ParamSpec;
using core::ParamType;
using core::StepSchema;

ParamSpec param(std::string name, ParamType type, bool required = false) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.required = required;
  return p;
}

const StepSchema& run_schema() {
  static const StepSchema kRun = [] {
    StepSchema s;
    s.type = "run";
    s.params = {param("script", ParamType::kString, true), param("shell", ParamType::kString)};
    return s;
  }();
  return kRun;
}

const StepSchema& deploy_schema() {
  static const StepSchema kDeploy = [] {
    StepSchema s;
    s.type = "deploy";
    ParamSpec mode = param("mode", ParamType::kString);
    mode.choices = {"rolling", "recreate"};
    s.params = {param("image", ParamType::kString, true), mode,
                param("replicas", ParamType::kNumber),    param("wait", ParamType::kBool),
                param("timeout", ParamType::kDuration),   param("files", ParamType::kStringList),
                param("labels", ParamType::kStringMap),   param("values", ParamType::kMap),
                param("args", ParamType::kList),          param("extra", ParamType::kAny)};
    return s;
  }();
  return kDeploy;
}

}  // namespace

LoadOptions run_only_options() {
  LoadOptions o;
  o.find_step_type = [](std::string_view type) -> const StepSchema* { return type == "run" ? &run_schema() : nullptr; };
  o.step_type_names = {"run"};
  return o;
}

LoadOptions test_options() {
  LoadOptions o;
  o.find_step_type = [](std::string_view type) -> const StepSchema* {
    if (type == "run") return &run_schema();
    if (type == "deploy") return &deploy_schema();
    return nullptr;
  };
  o.step_type_names = {"run", "deploy"};
  return o;
}

LoadResult load(std::string_view yaml, const LoadOptions& options) {
  return load_workflow_text(yaml, "wf.yaml", options);
}

std::vector<std::string> errors(const LoadResult& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diagnostics)
    out.push_back(std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) + ": " + d.message);
  return out;
}

std::vector<std::string> errors_of(std::string_view yaml, const LoadOptions& options) {
  return errors(load(yaml, options));
}

}  // namespace wf::model::test
