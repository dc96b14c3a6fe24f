#pragma once
// How wf takes signals while it runs steps (`wf run`, `wf plan`): done once
// here, for every command that starts tools.

#include <atomic>
#include <thread>

#include <signal.h>

#include "runner/core/cancel.h"

namespace wf::cli {

/// Ignores SIGPIPE for the whole process: a reader that goes away
/// (`wf run ... | head`) makes writes fail, it does not kill wf and orphan
/// its steps. (Children get default dispositions back before exec.) Called
/// first thing in main().
void ignore_sigpipe();

/// SIGINT, SIGTERM, SIGHUP (a closed terminal, a dropped SSH session) and
/// SIGQUIT are blocked in every thread and taken by one thread with
/// sigwait(): the first cancels `cancel` (running steps get SIGINT, then
/// SIGTERM, then SIGKILL; wf exits 130), a second one cancels `hard` (also
/// the always() steps started since). Any other signal, SIGUSR1 included,
/// changes nothing. Construct it before any other thread starts, so that
/// every thread inherits the blocked mask.
class SignalWatcher {
 public:
  SignalWatcher(core::CancelToken& cancel, core::CancelToken* hard);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  /// How many of the watched signals arrived.
  int count() const { return count_.load(); }

 private:
  sigset_t set_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> count_{0};
  std::thread thread_;
};

}  // namespace wf::cli
