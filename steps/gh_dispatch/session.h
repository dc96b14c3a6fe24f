#pragma once
// What the parts of one gh-dispatch attempt share.

#include <functional>
#include <string>

#include "steps/gh_dispatch/dispatch_record.h"
#include "steps/gh_dispatch/github_api.h"
#include "steps/gh_dispatch/params.h"
#include "runner/core/cancel.h"
#include "runner/core/clock.h"

namespace wf::steps::gh {

/// References only: everything is owned by the attempt (GhDispatchStep::run)
/// or a test, and outlives the session.
struct Session {
  GitHubApi& api;
  /// The step context's clock: the wall clock for what is journalled and
  /// compared with GitHub's times, and every wait.
  core::Clock& clock;
  /// Cancelled on timeout, Ctrl-C or fail-fast: requests and waits stop.
  const core::CancelToken& cancel;
  const DispatchParams& params;  // params.timing: the waits
  const RecordStore& store;
  std::function<void(const std::string&)> log;  // one line to the step's log
  int attempt = 1;

  const Timing& timing() const { return params.timing; }
  /// Waits `d` on the clock; false at once when cancelled (before or during).
  bool sleep_for(Millis d) const { return clock.sleep_for(d, cancel); }
};

}  // namespace wf::steps::gh
