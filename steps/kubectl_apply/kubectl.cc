#include "steps/kubectl_apply/kubectl.h"

#include <cstring>
#include <filesystem>

#include "runner/step_api/line_splitter.h"

namespace wf::steps::kubectl_apply {

Kubectl::Kubectl(step_api::StepContext& ctx, Options options) : ctx_(ctx), options_(std::move(options)) {}

Clock::duration Kubectl::remaining() const {
  auto left = options_.deadline - Clock::now();
  return left < Clock::duration::zero() ? Clock::duration::zero() : left;
}

KubectlRun Kubectl::run(const std::vector<std::string>& args, bool log_stdout) const {
  using Stream = step_api::StepLog::Stream;
  services::ProcessSpec spec;
  spec.argv = {"kubectl"};
  if (!options_.kubeconfig.empty()) spec.argv.insert(spec.argv.end(), {"--kubeconfig", options_.kubeconfig});
  if (!options_.context.empty()) spec.argv.insert(spec.argv.end(), {"--context", options_.context});
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env = ctx_.env;
  if (!options_.cache_dir.empty()) spec.env["KUBECACHEDIR"] = options_.cache_dir;
  spec.cwd = ctx_.working_directory;
  spec.stop = ctx_.stop;
  // At least a moment, so that a step out of time still reports kubectl's view.
  spec.timeout = std::max(std::chrono::duration_cast<services::Millis>(remaining()), services::Millis(1));

  KubectlRun run;
  step_api::LineSplitter out([&](std::string_view l) {
    if (log_stdout) ctx_.log->line(Stream::kStdout, l);
  });
  step_api::LineSplitter err([&](std::string_view l) { ctx_.log->line(Stream::kStderr, l); });
  spec.on_stdout = [&](std::string_view c) {
    run.out.append(c);
    out.write(c);
  };
  spec.on_stderr = [&](std::string_view c) {
    run.err.append(c);
    err.write(c);
  };
  run.process = ctx_.processes->run(spec, *ctx_.cancel);
  out.flush();
  err.flush();
  return run;
}

void Kubectl::forget_discovery() const {
  if (options_.cache_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(options_.cache_dir, ec);
}

std::string describe_end(const services::ProcessResult& r) {
  if (!r.started) return "could not start kubectl: " + r.error;
  if (r.signal) return "kubectl was killed by signal " + std::to_string(r.signal) + " (" + strsignal(r.signal) + ")";
  return "kubectl exited with code " + std::to_string(r.exit_code);
}

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace wf::steps::kubectl_apply
