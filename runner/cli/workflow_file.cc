#include "runner/cli/workflow_file.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "runner/adapters/git_repo.h"
#include "runner/adapters/http_client.h"
#include "runner/adapters/process_runner.h"
#include "runner/core/clock.h"
#include "runner/graph/dag.h"
#include "runner/model/inputs.h"
#include "runner/core/workflow_commands.h"
#include "runner/status/github_annotations.h"

extern char** environ;

namespace wf::cli {

namespace {

// In a GitHub Actions job, errors and warnings are annotations on the
// workflow file (`::error file=,line=,col=::`), so a pull request shows them
// in place. GitHub shows 10 of each kind: the rest are plain lines.
class DiagnosticPrinter {
 public:
  explicit DiagnosticPrinter(std::ostream& err) : err_(err), github_(in_github_actions()) {
    if (const char* w = std::getenv("GITHUB_WORKSPACE")) workspace_ = w;
    std::error_code ec;
    cwd_ = std::filesystem::current_path(ec).string();
  }
  void print(const core::Diagnostic& d, const char* kind) {
    size_t& n = std::string(kind) == "error" ? errors_ : warnings_;
    if (!github_ || n >= 10) {
      err_ << d.loc.str() << (std::string(kind) == "error" ? "" : ": warning") << ": " << d.message << "\n";
      return;
    }
    ++n;
    core::WorkflowCommand c{kind, {}, d.message};
    if (!d.loc.file.empty())
      c.properties.emplace_back("file", status::workspace_relative(d.loc.file, cwd_, workspace_));
    if (d.loc.line > 0) c.properties.emplace_back("line", std::to_string(d.loc.line));
    if (d.loc.column > 0) c.properties.emplace_back("col", std::to_string(d.loc.column));
    c.properties.emplace_back("title", "wf: invalid workflow");
    err_ << core::format_workflow_command(c) << "\n";
  }

 private:
  std::ostream& err_;
  bool github_;
  std::string workspace_, cwd_;
  size_t errors_ = 0, warnings_ = 0;
};

}  // namespace

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
  // The graph's errors in the same pass as the loader's, even when the file
  // has others: every error at once.
  if (const model::Workflow* w = r.workflow ? &*r.workflow : r.partial ? &*r.partial : nullptr) {
    core::Diagnostics g = graph::check(*w);
    for (auto& d : g)
      if (std::find_if(diags.begin(), diags.end(), [&](const core::Diagnostic& e) { return e.str() == d.str(); }) ==
          diags.end())
        diags.push_back(std::move(d));
  }
  core::sort_diagnostics(diags);
  DiagnosticPrinter printer(err);
  for (const auto& w : r.warnings) printer.print(w, "warning");
  for (const auto& d : diags) printer.print(d, "error");
  if (!diags.empty() || !r.workflow) return std::nullopt;
  return std::move(r.workflow);
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_input_args(const std::vector<std::string>& raw,
                                                                                std::ostream& err) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : raw) {
    auto a = model::split_assignment(kv);
    if (!a) {
      err << "error: -i takes NAME=VALUE, not '" << kv << "'\n";
      return std::nullopt;
    }
    out.push_back(*a);
  }
  return out;
}

std::optional<core::Value> input_values(const model::Workflow& wf, const std::vector<std::string>& raw,
                                        std::ostream& err) {
  auto overrides = parse_input_args(raw, err);
  if (!overrides) return std::nullopt;
  auto inputs = model::resolve_inputs(wf, *overrides);
  if (!inputs) {
    for (const auto& e : inputs.error()) err << "error: " << e << "\n";
    return std::nullopt;
  }
  return std::move(*inputs);
}

bool in_github_actions() {
  const char* gh = std::getenv("GITHUB_ACTIONS");
  return gh && std::string(gh) == "true";
}

std::optional<services::StopPolicy> hard_stop_policy() {
  if (!in_github_actions()) return std::nullopt;
  return services::StopPolicy{std::chrono::milliseconds(1000), std::chrono::milliseconds(500)};
}

services::StopPolicy default_stop_policy() {
  if (in_github_actions())
    return {std::chrono::milliseconds(5000), std::chrono::milliseconds(1500)};  // runner: SIGINT, 7.5 s, SIGTERM, 2.5 s
  if (std::getenv("KUBERNETES_SERVICE_HOST"))
    return {std::chrono::milliseconds(20000), std::chrono::milliseconds(5000)};  // pod: 30 s grace
  return {std::chrono::milliseconds(10000), std::chrono::milliseconds(5000)};
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

core::Value git_context(const model::Workflow& wf) {
  if (!wf.reads_git) return core::Value(core::Value::Object{});
  auto info = adapters::make_git_repo()->describe(wf.dir);
  if (!info) return core::Value(core::Value::Object{});
  return core::Value(core::Value::Object{{"sha", info->sha},
                                         {"ref", info->ref},
                                         {"branch", info->branch},
                                         {"dirty", info->dirty},
                                         {"remote", info->remote}});
}

RealServices::RealServices()
    : processes_(adapters::make_process_runner()), http_(adapters::make_http_client()), git_(adapters::make_git_repo()) {}

RealServices::~RealServices() = default;

exec::ExecutorDeps RealServices::deps(const step_api::Registry& registry, core::SecretMasker& masker,
                                      core::CancelToken& cancel) const {
  exec::ExecutorDeps deps;
  deps.registry = &registry;
  deps.processes = processes_.get();
  deps.http = http_.get();
  deps.git = git_.get();
  deps.clock = &core::SystemClock::instance();
  deps.masker = &masker;
  deps.cancel = &cancel;
  return deps;
}

}  // namespace wf::cli
