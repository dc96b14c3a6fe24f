#pragma once
// Time for the executor's backoff waits: real in the binary, manual in tests
// so retries are tested without sleeping.

#include <chrono>
#include <mutex>

#include "runner/core/cancel.h"

namespace wf::exec {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  /// Waits until `t` or cancellation; false if cancelled.
  virtual bool sleep_until(TimePoint t, const core::CancelToken& cancel) = 0;
};

/// std::chrono::steady_clock and real waits.
class SystemClock : public Clock {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  bool sleep_until(TimePoint t, const core::CancelToken& cancel) override { return cancel.sleep_until(t); }
};

/// Virtual time: sleep_until() returns at once and moves now() forward to
/// the wake-up time. Thread-safe. For tests.
class ManualClock : public Clock {
 public:
  TimePoint now() override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  bool sleep_until(TimePoint t, const core::CancelToken& cancel) override {
    std::lock_guard<std::mutex> l(mu_);
    if (t > now_) {
      slept_ += t - now_;
      now_ = t;
    }
    return !cancel.cancelled();
  }
  /// Total virtual time spent sleeping.
  std::chrono::steady_clock::duration slept() {
    std::lock_guard<std::mutex> l(mu_);
    return slept_;
  }

 private:
  std::mutex mu_;
  TimePoint now_{};
  std::chrono::steady_clock::duration slept_{};
};

}  // namespace wf::exec
