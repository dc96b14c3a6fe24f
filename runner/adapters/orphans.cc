#include "runner/adapters/orphans.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
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

// The live processes whose environment holds `marker` ("WF_RUN_ID=<id>"),
// except this one. A process whose environ cannot be read (another user's)
// is not ours to stop.
std::vector<pid_t> processes_with_env(const std::string& marker) {
  std::vector<pid_t> out;
  const pid_t self = getpid();
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == self) continue;
    std::ifstream in(e.path() / "environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Entries are NUL-terminated: match a whole entry.
    size_t at = env.find(marker);
    while (at != std::string::npos) {
      const size_t end = at + marker.size();
      if ((at == 0 || env[at - 1] == '\0') && (end == env.size() || env[end] == '\0')) {
        out.push_back(pid);
        break;
      }
      at = env.find(marker, at + 1);
    }
  }
  return out;
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

int stop_run_processes(const std::string& run_id, std::chrono::milliseconds grace) {
  if (run_id.empty()) return 0;
  const std::string marker = "WF_RUN_ID=" + run_id;
  std::vector<pid_t> found = processes_with_env(marker);
  if (found.empty()) return 0;
  signal_all(found, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline && !processes_with_env(marker).empty()) {
    reap();  // those that were our children (wf step in the same process)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int round = 0; round < 5; ++round) {
    std::vector<pid_t> left = processes_with_env(marker);
    if (left.empty()) break;
    signal_all(left, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reap();
  }
  return static_cast<int>(found.size());
}

}  // namespace wf::adapters
