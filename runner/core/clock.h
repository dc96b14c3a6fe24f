#pragma once
// Time, injected: the executor's timeouts and backoff, and every wait a step
// type makes, go through one Clock, so tests run them on virtual time.

#include <chrono>
#include <functional>
#include <memory>

#include "runner/core/cancel.h"

namespace wf::core {

/// A pending call made by Clock::call_at. Destroying it cancels the call; if
/// the call is running on another thread, the destructor waits for it to end,
/// so what the call touches may be destroyed right after.
class Timer {
 public:
  virtual ~Timer() = default;
  /// Whether the call has run (or started).
  virtual bool fired() const = 0;
};

/// The source of time. Thread-safe.
class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Duration = std::chrono::steady_clock::duration;
  using WallTime = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;

  /// Monotonic time, for deadlines and durations.
  virtual TimePoint now() = 0;
  /// Calendar time, for what a server stamps (GitHub's created_at).
  virtual WallTime wall_now() = 0;
  /// Waits until `t` or cancellation; false if cancelled (before or during).
  virtual bool sleep_until(TimePoint t, const CancelToken& cancel) = 0;
  /// Runs `fn` once at `t` on a thread of the clock's, unless the returned
  /// Timer is destroyed first. `fn` must be short and must not destroy its
  /// own Timer.
  [[nodiscard]] virtual std::unique_ptr<Timer> call_at(TimePoint t, std::function<void()> fn) = 0;

  bool sleep_for(Duration d, const CancelToken& cancel) { return sleep_until(now() + d, cancel); }
};

/// steady_clock and system_clock, real waits; timers on one shared thread
/// (started on first use), not one per timer.
class SystemClock : public Clock {
 public:
  TimePoint now() override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() override { return std::chrono::system_clock::now(); }
  bool sleep_until(TimePoint t, const CancelToken& cancel) override { return cancel.sleep_until(t); }
  std::unique_ptr<Timer> call_at(TimePoint t, std::function<void()> fn) override;

  /// The process-wide instance.
  static SystemClock& instance();
};

/// Virtual time for tests. sleep_until() does not block: it moves time to the
/// wake-up (running, in order and on the sleeping thread, each timer due on
/// the way) and returns false if the token is cancelled by then, as when a
/// timer fired on the way cancels it. advance() moves time from a test.
class ManualClock : public Clock {
 public:
  ManualClock();
  ~ManualClock() override;
  TimePoint now() override;
  WallTime wall_now() override;
  bool sleep_until(TimePoint t, const CancelToken& cancel) override;
  std::unique_ptr<Timer> call_at(TimePoint t, std::function<void()> fn) override;

  /// Moves time forward by `d`, running the timers due.
  void advance(Duration d);
  /// Total virtual time spent in sleep_until().
  Duration slept();
  /// Timers scheduled and not yet fired or destroyed.
  size_t pending_timers();

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace wf::core
