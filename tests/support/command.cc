#include "tests/support/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wf::test {

namespace fs = std::filesystem;

CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd,
                          const std::map<std::string, std::string>& env, int timeout_s) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  CommandResult r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  int open_fds = 2;
  bool killed = false;
  while (open_fds > 0) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()).count());
    if (left <= 0 && !killed) {
      kill(-pid, SIGKILL);
      killed = true;
    }
    if (poll(fds, 2, left > 0 ? left : 100) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

CommandResult run_wf(const std::vector<std::string>& args, const std::string& cwd,
                     const std::map<std::string, std::string>& env, int timeout_s) {
  std::vector<std::string> argv{WF_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, cwd, env, timeout_s);
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "wf-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  fs::path p = fs::path(path_) / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  // A /proc/PID file of a process that exits while it is read fails the
  // read with ESRCH, which libstdc++'s filebuf throws: unreadable, so "".
  try {
    ss << in.rdbuf();
  } catch (const std::exception&) {
    return "";
  }
  return ss.str();
}

// ---- background processes -------------------------------------------------

Background::Background(const std::vector<std::string>& argv, const Options& options) : own_group_(options.own_group) {
  std::string out_path = files_.path() + "/stdout";
  std::string err_path = files_.path() + "/stderr";
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (options.own_group) setpgid(0, 0);
    // A test run from a background job inherits SIGINT ignored; wf must see
    // the signals as a foreground job would.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE}) sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    for (const auto& [k, v] : options.env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (options.own_group) setpgid(pid, pid);  // no race with the first signal
  pid_ = pid;
}

Background::~Background() {
  if (!reaped_ && pid_ > 0) {
    if (own_group_) kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Background::signal(int sig) const {
  if (!reaped_) kill(pid_, sig);
}

void Background::signal_group(int sig) const {
  if (!own_group_) throw std::logic_error("signal_group: the process shares the test's group");
  if (!reaped_) kill(-pid_, sig);
}

bool Background::running() {
  if (reaped_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  reaped_ = true;
  if (r == pid_) exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

int Background::wait(double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

std::string Background::out() const { return read_file(files_.path() + "/stdout"); }
std::string Background::err() const { return read_file(files_.path() + "/stderr"); }

bool Background::wait_for_out(const std::string& text, double timeout_s) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (out().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

namespace {

// `env -u VAR... wf ARGS...`: env execs wf, so the pid is wf's.
std::vector<std::string> local_wf_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env"};
  for (const char* var : {"GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "KUBERNETES_SERVICE_HOST"}) {
    argv.push_back("-u");
    argv.push_back(var);
  }
  argv.push_back(WF_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

CommandResult run_wf_local(const std::vector<std::string>& args, const std::string& cwd,
                           const std::map<std::string, std::string>& env, int timeout_s) {
  return run_command(local_wf_argv(args), cwd, env, timeout_s);
}

std::unique_ptr<Background> start_wf(const std::vector<std::string>& args, const Background::Options& options) {
  return std::make_unique<Background>(local_wf_argv(args), options);
}

bool wait_for_file(const std::string& path, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  std::error_code ec;
  while (!fs::exists(path, ec)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// ---- processes by marker ----------------------------------------------------

std::string unique_marker() {
  static std::atomic<unsigned> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  // 7 digits of pid and counter, 6 of the clock: unique among concurrent test processes.
  unsigned long long a = (static_cast<unsigned long long>(getpid()) * 1000 + counter++ % 1000) % 10000000ULL;
  unsigned long long b = static_cast<unsigned long long>(now / 1000) % 1000000ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "7%07llu%06llu", a, b);  // no leading zero: stays distinct in a number
  return buf;
}

namespace {

// The /proc/<pid>/stat state letter ('Z' for a zombie), or 0.
char proc_state(const std::string& pid) {
  std::string stat = read_file("/proc/" + pid + "/stat");
  size_t close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() ? stat[close + 2] : 0;
}

}  // namespace

std::vector<int> pids_with_marker(const std::string& marker) {
  std::vector<int> out;
  std::error_code ec;
  const std::string self = std::to_string(getpid());
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit) || name == self) continue;
    std::string cmdline = read_file("/proc/" + name + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(marker) == std::string::npos) continue;
    if (proc_state(name) == 'Z') continue;
    out.push_back(std::stoi(name));
  }
  return out;
}

std::vector<int> wait_until_no_marker(const std::string& marker, double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    auto pids = pids_with_marker(marker);
    if (pids.empty() || std::chrono::steady_clock::now() >= deadline) return pids;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int kill_marked(const std::string& marker) {
  int killed = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    auto pids = pids_with_marker(marker);
    if (pids.empty()) break;
    for (int pid : pids)
      if (kill(pid, SIGKILL) == 0) ++killed;
    // Our own children (Background's) are reaped by their owner; others by init.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return killed;
}

// ---- files ------------------------------------------------------------------

std::vector<std::string> run_dirs(const std::string& state_dir) {
  struct Run {
    std::string first_time;
    std::string path;
  };
  std::vector<Run> runs;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(state_dir) / "runs", ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_directory()) continue;
    std::string journal = read_file((it->path() / "journal.jsonl").string());
    std::string time;
    // Each journal line starts with {"time":"<RFC 3339, ms>".
    const std::string key = "{\"time\":\"";
    if (journal.rfind(key, 0) == 0) time = journal.substr(key.size(), journal.find('"', key.size()) - key.size());
    runs.push_back({time, it->path().string()});
  }
  std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
    return a.first_time != b.first_time ? a.first_time < b.first_time : a.path < b.path;
  });
  std::vector<std::string> out;
  for (auto& r : runs) out.push_back(std::move(r.path));
  return out;
}

std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace wf::test
