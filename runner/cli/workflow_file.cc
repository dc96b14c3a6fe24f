#include "runner/cli/workflow_file.h"

#include <ostream>

#include "runner/adapters/git_repo.h"
#include "runner/graph/dag.h"

extern char** environ;

namespace wf::cli {

model::LoadOptions load_options(const step_api::Registry& registry) {
  model::LoadOptions o;
  o.find_step_type = [&registry](std::string_view type) { return registry.schema(type); };
  o.step_type_names = registry.names();
  return o;
}

std::optional<model::Workflow> load_checked(const std::string& path, const step_api::Registry& registry,
                                            std::ostream& err) {
  model::LoadResult r = model::load_workflow_file(path, load_options(registry));
  core::Diagnostics diags = std::move(r.diagnostics);
  if (r.workflow) {
    core::Diagnostics g = graph::check(*r.workflow);
    diags.insert(diags.end(), g.begin(), g.end());
  }
  core::sort_diagnostics(diags);
  for (const auto& d : diags) err << d.str() << "\n";
  if (!diags.empty() || !r.workflow) return std::nullopt;
  return std::move(r.workflow);
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

core::Value git_context(const std::string& dir) {
  auto info = adapters::make_git_repo()->describe(dir);
  if (!info) return core::Value(core::Value::Object{});
  return core::Value(core::Value::Object{{"sha", info->sha},
                                         {"ref", info->ref},
                                         {"branch", info->branch},
                                         {"dirty", info->dirty},
                                         {"remote", info->remote}});
}

}  // namespace wf::cli
