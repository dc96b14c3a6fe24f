#include "steps/kubectl_apply/kubectl.h"

#include <cstring>
#include <filesystem>

#include "runner/core/strings.h"
#include "runner/step_api/tool.h"

namespace wf::steps::kubectl_apply {

Kubectl::Kubectl(step_api::StepContext& ctx, Options options) : ctx_(ctx), options_(std::move(options)) {}

Clock::duration Kubectl::remaining() const {
  auto left = options_.deadline - now();
  return left < Clock::duration::zero() ? Clock::duration::zero() : left;
}

KubectlRun Kubectl::run(const std::vector<std::string>& args, bool log_stdout) const {
  step_api::ToolCall call;
  call.program = "kubectl";
  if (!options_.kubeconfig.empty()) call.args.insert(call.args.end(), {"--kubeconfig", options_.kubeconfig});
  if (!options_.context.empty()) call.args.insert(call.args.end(), {"--context", options_.context});
  call.args.insert(call.args.end(), args.begin(), args.end());
  if (!options_.cache_dir.empty()) call.env["KUBECACHEDIR"] = options_.cache_dir;
  // At least a moment, so that a step out of time still reports kubectl's view.
  call.timeout = std::max(std::chrono::duration_cast<services::Millis>(remaining()), services::Millis(1));
  call.log_command = false;
  call.log_stdout = log_stdout;
  call.keep_bytes = size_t(1) << 30;  // `get -o json` answers are parsed whole
  call.install_hint = "apt-get install kubernetes-client";
  step_api::ToolRun r = step_api::run_tool(ctx_, call);
  KubectlRun run;
  run.process = std::move(r.process);
  run.out = std::move(r.out);
  run.err = std::move(r.err);
  return run;
}

void Kubectl::forget_discovery() const {
  if (options_.cache_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(options_.cache_dir, ec);
}

std::string describe_end(const services::ProcessResult& r) {
  if (!r.started) return "could not start kubectl: " + r.error;
  if (r.signal) return "kubectl was killed by " + core::signal_description(r.signal);
  return "kubectl exited with code " + std::to_string(r.exit_code);
}

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace wf::steps::kubectl_apply
