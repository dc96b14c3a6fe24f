#include "runner/core/clock.h"

#include <condition_variable>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

namespace wf::core {

namespace {

using TimePoint = Clock::TimePoint;

// Timers ordered by due time; shared by both clocks. A timer's handle removes
// it, and waits while another thread runs it.
class TimerQueue : public std::enable_shared_from_this<TimerQueue> {
 public:
  struct Entry {
    std::function<void()> fn;
    bool fired = false;
  };

  uint64_t add(TimePoint t, std::function<void()> fn) {
    std::lock_guard<std::mutex> l(mu);
    uint64_t id = ++next_id;
    auto e = std::make_shared<Entry>();
    e->fn = std::move(fn);
    entries[id] = e;
    due.emplace(t, id);
    cv.notify_all();
    return id;
  }

  void remove(uint64_t id) {
    std::unique_lock<std::mutex> l(mu);
    entries.erase(id);
    // The due-queue entry goes when it comes up; a running call is waited for.
    if (running == id && running_thread != std::this_thread::get_id())
      done_cv.wait(l, [&] { return running != id; });
  }

  bool fired(uint64_t id) const {
    std::lock_guard<std::mutex> l(mu);
    auto it = entries.find(id);
    return it == entries.end() || it->second->fired;
  }

  /// Runs every timer due at or before `t`, in order, on this thread; called
  /// with `l` held, returns with it held.
  void fire_due(TimePoint t, std::unique_lock<std::mutex>& l) {
    while (!due.empty() && due.begin()->first <= t) {
      uint64_t id = due.begin()->second;
      due.erase(due.begin());
      auto it = entries.find(id);
      if (it == entries.end() || it->second->fired) continue;
      it->second->fired = true;
      auto fn = std::move(it->second->fn);
      running = id;
      running_thread = std::this_thread::get_id();
      l.unlock();
      fn();
      l.lock();
      running = 0;
      done_cv.notify_all();
    }
  }

  /// The earliest due time of a live timer.
  std::optional<TimePoint> next_due() {
    while (!due.empty()) {
      auto it = entries.find(due.begin()->second);
      if (it != entries.end() && !it->second->fired) return due.begin()->first;
      due.erase(due.begin());
    }
    return std::nullopt;
  }

  size_t pending() const {
    std::lock_guard<std::mutex> l(mu);
    size_t n = 0;
    for (const auto& [id, e] : entries) n += e->fired ? 0 : 1;
    return n;
  }

  mutable std::mutex mu;
  std::condition_variable cv;       // a timer was added (SystemClock's thread waits on it)
  std::condition_variable done_cv;  // a call ended
  std::multimap<TimePoint, uint64_t> due;
  std::map<uint64_t, std::shared_ptr<Entry>> entries;
  uint64_t next_id = 0;
  uint64_t running = 0;
  std::thread::id running_thread;
};

class QueueTimer : public Timer {
 public:
  QueueTimer(std::shared_ptr<TimerQueue> q, uint64_t id) : q_(std::move(q)), id_(id) {}
  ~QueueTimer() override { q_->remove(id_); }
  bool fired() const override { return q_->fired(id_); }

 private:
  std::shared_ptr<TimerQueue> q_;
  uint64_t id_;
};

// The SystemClock's timer thread: started once, never joined (it lives as
// long as the process; a detached thread waiting on a condition variable).
std::shared_ptr<TimerQueue> system_queue() {
  static std::shared_ptr<TimerQueue> q = [] {
    auto queue = std::make_shared<TimerQueue>();
    std::thread([queue] {
      std::unique_lock<std::mutex> l(queue->mu);
      for (;;) {
        auto next = queue->next_due();
        if (!next) {
          queue->cv.wait(l);
          continue;
        }
        if (std::chrono::steady_clock::now() < *next) {
          queue->cv.wait_until(l, *next);
          continue;
        }
        queue->fire_due(std::chrono::steady_clock::now(), l);
      }
    }).detach();
    return queue;
  }();
  return q;
}

}  // namespace

std::unique_ptr<Timer> SystemClock::call_at(TimePoint t, std::function<void()> fn) {
  auto q = system_queue();
  uint64_t id = q->add(t, std::move(fn));
  return std::make_unique<QueueTimer>(q, id);
}

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

struct ManualClock::State {
  std::shared_ptr<TimerQueue> timers = std::make_shared<TimerQueue>();
  TimePoint now{};
  WallTime wall_base = WallTime(std::chrono::hours(24 * 365 * 56));  // about 2026
  Duration slept{};
};

ManualClock::ManualClock() : state_(std::make_shared<State>()) {}
ManualClock::~ManualClock() = default;

Clock::TimePoint ManualClock::now() {
  std::lock_guard<std::mutex> l(state_->timers->mu);
  return state_->now;
}

Clock::WallTime ManualClock::wall_now() {
  std::lock_guard<std::mutex> l(state_->timers->mu);
  return state_->wall_base + std::chrono::duration_cast<WallTime::duration>(state_->now.time_since_epoch());
}

bool ManualClock::sleep_until(TimePoint t, const CancelToken& cancel) {
  auto& q = *state_->timers;
  std::unique_lock<std::mutex> l(q.mu);
  // Step to each timer due on the way, so one that cancels `cancel` (a
  // timeout) ends the sleep at its own time.
  while (!cancel.cancelled()) {
    auto next = q.next_due();
    TimePoint to = next && *next < t ? *next : t;
    if (to > state_->now) {
      state_->slept += to - state_->now;
      state_->now = to;
    }
    q.fire_due(state_->now, l);
    if (state_->now >= t) break;
  }
  return !cancel.cancelled();
}

std::unique_ptr<Timer> ManualClock::call_at(TimePoint t, std::function<void()> fn) {
  uint64_t id = state_->timers->add(t, std::move(fn));
  return std::make_unique<QueueTimer>(state_->timers, id);
}

void ManualClock::advance(Duration d) {
  auto& q = *state_->timers;
  std::unique_lock<std::mutex> l(q.mu);
  TimePoint target = state_->now + d;
  while (true) {
    auto next = q.next_due();
    if (!next || *next > target) break;
    if (*next > state_->now) state_->now = *next;
    q.fire_due(state_->now, l);
  }
  state_->now = target;
}

Clock::Duration ManualClock::slept() {
  std::lock_guard<std::mutex> l(state_->timers->mu);
  return state_->slept;
}

size_t ManualClock::pending_timers() { return state_->timers->pending(); }

}  // namespace wf::core
