#pragma once
// Time as gh-dispatch sees it: the wall clock, waits that end early on
// cancellation, and the cancel token requests follow. An interface so unit
// tests run every wait (a minute's rate limit, a run's polls) instantly.

#include <chrono>

#include "runner/core/cancel.h"
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

/// The real one: system_clock, and waits on the step's cancel token.
class RealStepClock : public StepClock {
 public:
  explicit RealStepClock(const core::CancelToken& cancel) : cancel_(cancel) {}
  SystemTime now() const override { return std::chrono::system_clock::now(); }
  bool sleep_for(Millis d) override { return cancel_.sleep_for(d); }
  const core::CancelToken& cancel() const override { return cancel_; }

 private:
  const core::CancelToken& cancel_;
};

}  // namespace wf::steps::gh
