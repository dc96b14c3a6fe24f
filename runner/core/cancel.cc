#include "runner/core/cancel.h"

namespace wf::core {

void CancelToken::cancel() {
  std::vector<std::pair<int, std::function<void()>>> to_run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_.exchange(true)) return;
    to_run.swap(callbacks_);
  }
  cv_.notify_all();
  for (auto& [id, fn] : to_run) fn();
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
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(callbacks_, [id](const auto& p) { return p.first == id; });
}

bool CancelToken::sleep_until(std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_until(lock, deadline, [&] { return cancelled_.load(); });
  return !cancelled_.load();
}

}  // namespace wf::core
