#pragma once
// What the parts of one gh-dispatch attempt share.

#include <functional>
#include <string>

#include "steps/gh_dispatch/dispatch_record.h"
#include "steps/gh_dispatch/github_api.h"
#include "steps/gh_dispatch/params.h"
#include "steps/gh_dispatch/step_clock.h"

namespace wf::steps::gh {

/// References only: everything is owned by the attempt (GhDispatchStep::run)
/// or a test, and outlives the session.
struct Session {
  GitHubApi& api;
  StepClock& clock;
  const Timing& timing;
  const DispatchParams& params;
  const RecordStore& store;
  std::function<void(const std::string&)> log;  // one line to the step's log
  int attempt = 1;
};

}  // namespace wf::steps::gh
