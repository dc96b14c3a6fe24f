#pragma once
// Cooperative cancellation shared by the executor, step types and adapters.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace wf::core {

/// Set once, seen by many. `cancel()` runs every registered callback once (on
/// the cancelling thread); a callback registered after cancellation runs at
/// once. remove_callback() waits while another thread runs that callback, so
/// what a callback touches may be destroyed as soon as it is removed.
/// Thread-safe.
class CancelToken {
 public:
  void cancel();
  bool cancelled() const { return cancelled_.load(); }

  /// Registers a callback; returns an id for remove_callback().
  int on_cancel(std::function<void()> fn) const;
  /// Unregisters; if the callback is running on another thread, returns when
  /// it has finished. (Called from inside the callback itself, it returns at
  /// once.)
  void remove_callback(int id) const;

  /// Sleeps until `deadline` or cancellation; returns false if cancelled.
  bool sleep_until(std::chrono::steady_clock::time_point deadline) const;
  template <class Rep, class Period>
  bool sleep_for(std::chrono::duration<Rep, Period> d) const {
    return sleep_until(std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(d));
  }

 private:
  std::atomic<bool> cancelled_{false};
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable int next_id_ = 0;
  mutable std::vector<std::pair<int, std::function<void()>>> callbacks_;
  mutable int running_ = 0;                  // id of the callback cancel() is running
  mutable std::thread::id running_thread_;
  mutable std::condition_variable done_cv_;  // a callback finished
};

/// Removes a callback when it goes out of scope.
class CancelRegistration {
 public:
  CancelRegistration(const CancelToken& t, std::function<void()> fn) : t_(t), id_(t.on_cancel(std::move(fn))) {}
  ~CancelRegistration() { t_.remove_callback(id_); }
  CancelRegistration(const CancelRegistration&) = delete;
  CancelRegistration& operator=(const CancelRegistration&) = delete;

 private:
  const CancelToken& t_;
  int id_;
};

}  // namespace wf::core
