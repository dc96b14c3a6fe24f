#pragma once
// A core::Clock for step tests: core::ManualClock's virtual time (nothing
// sleeps; timers fire on the way), a wall clock that starts where the test
// says, every wait recorded, and a hook after each wait (e.g. to cancel the
// step's token during its N-th wait).

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "runner/core/clock.h"

namespace wf::test {

class RecordingClock : public core::Clock {
 public:
  /// wall_now() starts at `wall_start`.
  explicit RecordingClock(WallTime wall_start = WallTime(std::chrono::hours(24 * 365 * 56)));

  TimePoint now() override { return manual_.now(); }
  WallTime wall_now() override;
  /// Records the wait (unless `cancel` is already cancelled: then returns
  /// false at once), moves virtual time to `t`, then calls the hook with
  /// the number of waits so far.
  bool sleep_until(TimePoint t, const core::CancelToken& cancel) override;
  std::unique_ptr<core::Timer> call_at(TimePoint t, std::function<void()> fn) override {
    return manual_.call_at(t, std::move(fn));
  }

  /// Moves time forward without a wait (as if work took that long).
  void advance(Duration d) { manual_.advance(d); }
  /// Called after each wait with the number of waits so far.
  void on_sleep(std::function<void(int)> hook);
  /// Each wait's length, in milliseconds, in order.
  std::vector<std::chrono::milliseconds> sleeps() const;
  /// The waits' total.
  std::chrono::milliseconds slept() const;

 private:
  core::ManualClock manual_;
  TimePoint start_;
  WallTime wall_start_;
  mutable std::mutex mu_;
  std::vector<std::chrono::milliseconds> sleeps_;
  std::function<void(int)> hook_;
};

}  // namespace wf::test
