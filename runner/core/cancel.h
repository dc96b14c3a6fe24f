#pragma once
// Cooperative cancellation shared by the executor, step types and adapters.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace wf::core {

/// Set once, seen by many. `cancel()` runs every registered callback once (on
/// the cancelling thread); a callback registered after cancellation runs at
/// once. Thread-safe.
class CancelToken {
 public:
  void cancel();
  bool cancelled() const { return cancelled_.load(); }

  /// Registers a callback; returns an id for remove_callback().
  int on_cancel(std::function<void()> fn) const;
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
