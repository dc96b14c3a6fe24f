#pragma once
// Time as gh-dispatch sees it: the wall clock, waits that end early on
// cancellation, and the cancel token requests follow. An interface so unit
// tests run every wait (a minute's rate limit, a run's polls) instantly.

#include <chrono>

#include "runner/core/cancel.h"
#include "runner/core/clock.h"
#include "steps/gh_dispatch/github_time.h"

namespace wf::steps::gh {

using Millis = std::chrono::milliseconds;

class StepClock {
 public:
  virtual ~StepClock() = default;
  virtual SystemTime now() const = 0;
  /// Waits `d`; returns false at once when cancelled (before or during).
  virtual bool sleep_for(Millis d) = 0;
  /// Cancelled on timeout, Ctrl-C or fail-fast: requests and waits stop.
  virtual const core::CancelToken& cancel() const = 0;
};

/// The step context's clock, and waits on the step's cancel token.
class RealStepClock : public StepClock {
 public:
  RealStepClock(core::Clock& clock, const core::CancelToken& cancel) : clock_(clock), cancel_(cancel) {}
  SystemTime now() const override { return clock_.wall_now(); }
  bool sleep_for(Millis d) override { return clock_.sleep_for(d, cancel_); }
  const core::CancelToken& cancel() const override { return cancel_; }

 private:
  core::Clock& clock_;
  const core::CancelToken& cancel_;
};

}  // namespace wf::steps::gh
