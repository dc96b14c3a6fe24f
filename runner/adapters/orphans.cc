#include "runner/adapters/orphans.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace wf::adapters {

namespace {

// The processes whose parent is this process, from /proc/<pid>/stat.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  pid_t self = getpid();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    char state = stat[close + 2];
    pid_t ppid = static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
    if (ppid == self && state != 'Z') out.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return out;
}

void signal_all(const std::vector<pid_t>& pids, int sig) {
  for (pid_t p : pids) {
    if (getpgid(p) == p) kill(-p, sig);  // a group leader: its whole group
    kill(p, sig);
  }
}

void reap() {
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

}  // namespace

int stop_orphans(std::chrono::milliseconds grace) {
  int stopped = 0;
  for (int round = 0; round < 5; ++round) {
    reap();
    std::vector<pid_t> pids = children();
    if (pids.empty()) break;
    stopped += static_cast<int>(pids.size());
    signal_all(pids, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      reap();
      if (children().empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    signal_all(children(), SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reap();
  }
  return stopped;
}

}  // namespace wf::adapters
