#include "steps/helm_template/helm.h"

#include <unistd.h>

#include <filesystem>

#include "steps/helm_template/rendered.h"

namespace wf::steps::helm_template {

using step_api::StepResult;

Helm::Helm(step_api::StepContext& ctx) : ctx_(ctx), program_("helm") {
  auto it = ctx.env.find("WF_HELM");
  if (it != ctx.env.end() && !it->second.empty()) {
    program_ = it->second;
    from_env_ = true;
  }
}

std::optional<StepResult> Helm::check() const {
  if (!from_env_) return std::nullopt;
  std::error_code ec;
  std::filesystem::path p(program_);
  if (p.is_relative()) p = std::filesystem::path(ctx_.working_directory) / p;
  if (!std::filesystem::is_regular_file(p, ec) || ::access(p.c_str(), X_OK) != 0)
    return StepResult::failure(core::FailureClass::kPermanent,
                               "WF_HELM is " + program_ + ", which is not an executable file (install: " +
                                   kInstallHint + ")");
  return std::nullopt;
}

step_api::ToolRun Helm::run(const std::vector<std::string>& args, bool show_stdout) const {
  step_api::ToolCall call;
  call.program = program_;
  call.args = args;
  call.install_hint = kInstallHint;
  call.log_stdout = show_stdout;
  call.keep_bytes = size_t{1} << 30;
  return step_api::run_tool(ctx_, call);
}

StepResult Helm::failure(const step_api::ToolRun& run, const std::string& what, core::FailureClass on_exit) {
  if (run.stopped() || run.not_found || !run.process.started) return run.failure(on_exit);
  std::string message = helm_error_message(run.err);
  if (message.empty()) return run.failure(on_exit);
  return StepResult::failure(on_exit, "helm " + what + " failed: " + message);
}

}  // namespace wf::steps::helm_template
