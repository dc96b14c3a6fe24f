#include "runner/core/cancel.h"

namespace wf::core {

void CancelToken::cancel() {
  std::unique_lock<std::mutex> lock(mu_);
  if (cancelled_.exchange(true)) return;
  cv_.notify_all();
  // One at a time, each taken out under the lock, so that remove_callback()
  // either removes it before it runs or waits for it to end.
  while (!callbacks_.empty()) {
    auto [id, fn] = std::move(callbacks_.front());
    callbacks_.erase(callbacks_.begin());
    running_ = id;
    running_thread_ = std::this_thread::get_id();
    lock.unlock();
    fn();
    lock.lock();
    running_ = 0;
    done_cv_.notify_all();
  }
}

int CancelToken::on_cancel(std::function<void()> fn) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled_.load()) {
      callbacks_.emplace_back(++next_id_, std::move(fn));
      return next_id_;
    }
  }
  fn();
  return 0;
}

void CancelToken::remove_callback(int id) const {
  std::unique_lock<std::mutex> lock(mu_);
  std::erase_if(callbacks_, [id](const auto& p) { return p.first == id; });
  if (id != 0 && running_ == id && running_thread_ != std::this_thread::get_id())
    done_cv_.wait(lock, [&] { return running_ != id; });
}

bool CancelToken::sleep_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return cancelled_.load(); });
  return !cancelled_.load();
}

}  // namespace wf::core
