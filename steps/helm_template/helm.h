#pragma once
// The helm program a step drives: `$WF_HELM` from the step's environment, else
// `helm` on its PATH; each command through run_tool (masked log, stop policy,
// cancellation) with helm's own message made into a one-line failure.

#include <optional>
#include <string>
#include <vector>

#include "runner/step_api/tool.h"

namespace wf::steps::helm_template {

/// How to get helm, for "helm not found" messages.
inline constexpr const char* kInstallHint =
    "https://helm.sh/docs/intro/install/, or set WF_HELM to its path; in wf's repository: scripts/tools/helm.sh";

class Helm {
 public:
  explicit Helm(step_api::StepContext& ctx);

  /// A problem with $WF_HELM (set to a path that is not an executable file),
  /// as a permanent failure; nullopt when helm can be tried.
  std::optional<step_api::StepResult> check() const;

  /// Runs `helm args...` in the step's working directory. `show_stdout`:
  /// stdout lines go to the step log (not for rendered manifests). stdout is
  /// kept whole (up to 1 GiB).
  step_api::ToolRun run(const std::vector<std::string>& args, bool show_stdout) const;

  /// A failed run as a StepResult: stopped -> cancelled, not found -> the
  /// install hint, else `on_exit` with "helm WHAT failed: <helm's message>".
  static step_api::StepResult failure(const step_api::ToolRun& run, const std::string& what, core::FailureClass on_exit);

  const std::string& program() const { return program_; }

 private:
  step_api::StepContext& ctx_;
  std::string program_;
  bool from_env_ = false;
};

}  // namespace wf::steps::helm_template
