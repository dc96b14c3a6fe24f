#include "tests/support/recording_clock.h"

namespace wf::test {

using std::chrono::milliseconds;

RecordingClock::RecordingClock(WallTime wall_start) : start_(manual_.now()), wall_start_(wall_start) {}

core::Clock::WallTime RecordingClock::wall_now() {
  return wall_start_ + std::chrono::duration_cast<WallTime::duration>(manual_.now() - start_);
}

bool RecordingClock::sleep_until(TimePoint t, const core::CancelToken& cancel) {
  if (cancel.cancelled()) return false;
  std::function<void(int)> hook;
  int n = 0;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto d = t - manual_.now();
    sleeps_.push_back(std::chrono::duration_cast<milliseconds>(d < Duration::zero() ? Duration::zero() : d));
    n = static_cast<int>(sleeps_.size());
    hook = hook_;
  }
  bool ok = manual_.sleep_until(t, cancel);
  if (hook) hook(n);
  return ok && !cancel.cancelled();
}

void RecordingClock::on_sleep(std::function<void(int)> hook) {
  std::lock_guard<std::mutex> l(mu_);
  hook_ = std::move(hook);
}

std::vector<milliseconds> RecordingClock::sleeps() const {
  std::lock_guard<std::mutex> l(mu_);
  return sleeps_;
}

milliseconds RecordingClock::slept() const {
  milliseconds total{0};
  for (auto d : sleeps()) total += d;
  return total;
}

}  // namespace wf::test
