#pragma once
// Running kubectl for one kubectl-apply attempt (or plan preview): the
// connection flags, a private discovery cache, the step's deadline, and the
// step's log. Commands are argv vectors; nothing goes through a shell.

#include <chrono>
#include <string>
#include <vector>

#include "runner/step_api/step_type.h"

namespace wf::steps::kubectl_apply {

using Clock = std::chrono::steady_clock;  // core::Clock::TimePoint is its time_point
using Millis = std::chrono::milliseconds;

/// What a kubectl run printed and how it ended.
struct KubectlRun {
  services::ProcessResult process;
  std::string out;
  std::string err;
  bool ok() const { return process.success(); }
  /// Stopped by the step's own deadline (not by cancellation from outside).
  bool timed_out() const { return process.timed_out; }
  bool cancelled() const { return process.cancelled; }
};

class Kubectl {
 public:
  struct Options {
    std::string kubeconfig;   // --kubeconfig, when given
    std::string context;      // --context, when given
    /// KUBECACHEDIR: a discovery cache of this attempt's own, so that what an
    /// earlier run (or another cluster) cached cannot hide a new CRD.
    std::string cache_dir;
    Clock::time_point deadline;  // the step's `timeout`
  };
  /// `ctx` (with its clock and cancel token) must outlive this object.
  Kubectl(step_api::StepContext& ctx, Options options);

  /// Runs `kubectl <connection flags> args...` in the step's working
  /// directory, stopped at the deadline or on cancellation. stderr lines go
  /// to the log; stdout lines too when `log_stdout`.
  KubectlRun run(const std::vector<std::string>& args, bool log_stdout = true) const;

  /// Deletes the discovery cache, so the next kubectl asks the server again.
  void forget_discovery() const;

  Clock::time_point deadline() const { return options_.deadline; }
  Clock::duration remaining() const;
  /// The step context's clock: every deadline and wait of the step uses it.
  Clock::time_point now() const { return ctx_.clock->now(); }
  /// Waits `d` on the step's clock; false when cancelled (before or during).
  bool sleep_for(Clock::duration d) const { return ctx_.clock->sleep_for(d, *ctx_.cancel); }
  step_api::StepContext& ctx() const { return ctx_; }

 private:
  step_api::StepContext& ctx_;
  Options options_;
};

/// "kubectl exited with code 1", "kubectl was killed by signal 9 (Killed)", "could not start kubectl: ...".
std::string describe_end(const services::ProcessResult& r);

/// The last non-empty line of a process's output ("" when none).
std::string last_line(const std::string& text);

}  // namespace wf::steps::kubectl_apply
