#pragma once
// Loading a workflow file for a command: loader + graph checks, with every
// diagnostic printed.

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/exec/executor.h"
#include "runner/model/loader.h"
#include "runner/services/process_runner.h"
#include "runner/step_api/registry.h"

namespace wf::cli {

/// The loader's options backed by the registry.
model::LoadOptions load_options(const step_api::Registry& registry);

/// Loads and checks `path`; prints each diagnostic ("FILE:LINE:COL: message")
/// to `err` and returns nullopt if there is any.
std::optional<model::Workflow> load_checked(const std::string& path, const step_api::Registry& registry,
                                            std::ostream& err);

/// The `-i NAME=VALUE` arguments of run, plan and step; prints what is wrong
/// to `err` and returns nullopt on a malformed one.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_input_args(const std::vector<std::string>& raw,
                                                                                std::ostream& err);

/// The workflow's `inputs` context from `-i` arguments and the declared
/// defaults (what run, plan and step use); prints each problem to `err` and
/// returns nullopt when there is any.
std::optional<core::Value> input_values(const model::Workflow& wf, const std::vector<std::string>& raw,
                                        std::ostream& err);

/// The grace between SIGINT, SIGTERM and SIGKILL for stopping a step, fitted
/// to the host so wf is done before the host kills it (DESIGN §1).
services::StopPolicy default_stop_policy();

/// How always() steps are stopped once wf is told to stop again: in a GitHub
/// Actions job, quickly enough (SIGINT, 1 s, SIGTERM, 0.5 s, SIGKILL) to end
/// between the runner's SIGTERM and its kill 2.5 s later, with time left to
/// write the summary and $GITHUB_OUTPUT; elsewhere nullopt (as default_stop_policy()).
std::optional<services::StopPolicy> hard_stop_policy();

/// True when wf runs inside a GitHub Actions job (GITHUB_ACTIONS=true).
bool in_github_actions();

/// wf's own environment, which steps inherit.
std::map<std::string, std::string> process_environment();

/// The `git` expression context for the repository holding the workflow's
/// folder: sha, ref, branch, dirty, remote (read with libgit2); {} outside a
/// repository, and {} without reading anything when no expression of `wf`
/// reads `git` (libgit2's start-up alone costs ~25 ms: it loads the CA bundle).
core::Value git_context(const model::Workflow& wf);

/// The real adapters behind `wf run`, `wf step` and `wf plan`'s previews
/// (processes, HTTP, git) and the system clock, owned together.
class RealServices {
 public:
  RealServices();
  ~RealServices();
  /// An ExecutorDeps with the registry, these services, the masker and the
  /// cancel token filled in; observers and the rest are the caller's.
  exec::ExecutorDeps deps(const step_api::Registry& registry, core::SecretMasker& masker,
                          core::CancelToken& cancel) const;

 private:
  std::unique_ptr<services::ProcessRunner> processes_;
  std::unique_ptr<services::HttpClient> http_;
  std::unique_ptr<services::GitRepo> git_;
};

}  // namespace wf::cli
