#include "runner/cli/signals.h"

#include <pthread.h>
#include <unistd.h>

#include <cstring>

namespace wf::cli {

namespace {
// The signal the destructor sends the watcher thread; it acts on it only
// once stopping_ is set, so one sent by anyone else is ignored.
constexpr int kWake = SIGUSR1;

void say(const char* msg) {
  ssize_t ignored = ::write(2, msg, std::strlen(msg));
  (void)ignored;
}
}  // namespace

void ignore_sigpipe() { ::signal(SIGPIPE, SIG_IGN); }

SignalWatcher::SignalWatcher(core::CancelToken& cancel, core::CancelToken* hard) {
  sigemptyset(&set_);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, kWake}) sigaddset(&set_, sig);
  ::pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  thread_ = std::thread([this, &cancel, hard] {
    for (;;) {
      int sig = 0;
      if (::sigwait(&set_, &sig) != 0) continue;
      if (sig == kWake) {
        if (stopping_.load()) return;
        continue;
      }
      int n = ++count_;
      if (n == 1) {
        say(sig == SIGHUP ? "\nwf: hangup: stopping running steps\n"
                          : "\nwf: interrupted: stopping running steps (again to stop always() steps too)\n");
        cancel.cancel();
      } else if (hard) {
        say("\nwf: interrupted again: stopping every step\n");
        hard->cancel();
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  stopping_ = true;
  ::pthread_kill(thread_.native_handle(), kWake);
  thread_.join();
}

}  // namespace wf::cli
