// The real ProcessRunner: vfork() + execve() start the child (no copy of
// wf's address space, nothing run in the child but system calls), one Asio
// io_context per run() drives its pipes, its exit (a pidfd), the stop
// sequence and the clean-up of its process group, all on the thread that
// called run().
//
// This is the only translation unit that includes Asio (about 3 s to compile
// in Debug, 5 s with -O2: it includes only what it uses).

#include "runner/adapters/process_runner.h"

#include "runner/core/log.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>

namespace wf::adapters {
namespace {

namespace asio = boost::asio;
using ErrorCode = boost::system::error_code;
using services::Millis;
using services::ProcessResult;
using services::ProcessSpec;
using SteadyClock = std::chrono::steady_clock;
using Sink = std::function<void(std::string_view)>;

/// Members of the group still alive when the main process has exited get
/// SIGTERM, then SIGKILL after this.
constexpr Millis kLeftoverGrace{500};
/// How often the runner looks whether the process group is gone.
constexpr Millis kGroupPoll{10};
/// After SIGKILL, how long to wait for members that cannot die (D state,
/// another uid) before giving up on them.
constexpr Millis kGroupGiveUp{2000};
constexpr std::size_t kReadChunk = 64 * 1024;

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// ---------------------------------------------------------------------------
// Before the fork: argv, environment, executable.

/// The NULL-terminated `char*` array execve() takes, owning its strings.
class CStringArray {
 public:
  void add(std::string s) { strings_.push_back(std::move(s)); }
  const char** get() {
    ptrs_.clear();
    for (const auto& s : strings_) ptrs_.push_back(s.c_str());
    ptrs_.push_back(nullptr);
    return ptrs_.data();
  }

 private:
  std::vector<std::string> strings_;
  std::vector<const char*> ptrs_;
};

std::string search_path(const ProcessSpec& spec) {
  if (auto it = spec.env.find("PATH"); it != spec.env.end()) return it->second;
  const char* own = std::getenv("PATH");
  return own != nullptr ? own : "/usr/local/bin:/usr/bin:/bin";
}

bool is_executable_file(const std::filesystem::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

/// The path execve() gets: argv[0] unchanged if it contains a '/' (a relative
/// one then resolves against the child's cwd, as in a shell), else the first
/// executable of that name in PATH, made absolute because the child changes
/// directory before exec. nullopt: not found.
std::optional<std::string> search_executable(const ProcessSpec& spec, const std::string& path);

/// The same, remembering what a search found: a run starts the same few
/// programs (bash) over and over, and a search of a long PATH costs a stat
/// per entry. A remembered file is checked with one access(2).
std::optional<std::string> resolve_executable(const ProcessSpec& spec) {
  const std::string& name = spec.argv.front();
  if (name.find('/') != std::string::npos) return name;
  const std::string path = search_path(spec);
  static std::mutex mu;
  static std::map<std::string, std::string, std::less<>> found;  // PATH \0 cwd \0 name -> file
  std::string key = path + '\0' + spec.cwd + '\0' + name;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = found.find(key); it != found.end() && ::access(it->second.c_str(), X_OK) == 0) return it->second;
  }
  auto file = search_executable(spec, path);
  if (file) {
    std::lock_guard<std::mutex> lock(mu);
    found[key] = *file;
  }
  return file;
}

std::optional<std::string> search_executable(const ProcessSpec& spec, const std::string& path) {
  const std::string& name = spec.argv.front();
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = path.find(':', begin);
    const std::string dir = path.substr(begin, end == std::string::npos ? end : end - begin);
    std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (candidate.is_relative() && !spec.cwd.empty()) candidate = std::filesystem::path(spec.cwd) / candidate;
    std::error_code ec;
    candidate = std::filesystem::absolute(candidate, ec);
    if (!ec && is_executable_file(candidate)) return candidate.string();
    if (end == std::string::npos) return std::nullopt;
    begin = end + 1;
  }
}

/// Why `cwd` cannot be the child's working directory, or "" if it can.
std::string check_cwd(const std::string& cwd) {
  if (cwd.empty()) return "";
  struct stat st {};
  if (::stat(cwd.c_str(), &st) != 0) return "working directory " + cwd + ": " + errno_text(errno);
  if (!S_ISDIR(st.st_mode)) return "working directory " + cwd + ": " + errno_text(ENOTDIR);
  return "";
}

// ---------------------------------------------------------------------------
// The child. vfork() suspends the calling thread until the child has called
// execve() or _exit(); meanwhile the child runs on that thread's stack in
// wf's memory, so it makes system calls only: no allocation, no lock (another
// thread may hold malloc's, as a fork()ed copy of a threaded process would
// find out by hanging). Every signal is blocked on the calling thread across
// vfork(), so no handler of wf's runs in the child before it resets them.

void close_fd_range(unsigned lo, unsigned hi) {
  if (lo > hi) return;
  if (::close_range(lo, hi, 0) == 0) return;
  const unsigned cap = std::min(hi, 65535u);  // kernels before 5.9
  for (unsigned fd = lo; fd <= cap; ++fd) ::close(static_cast<int>(fd));
}

/// wf may block signals (a signal-handling thread) or ignore them (SIGPIPE);
/// the mask and SIG_IGN survive exec, and a script whose SIGINT is blocked
/// cannot be interrupted.
void reset_signals() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);  // EINVAL for glibc's own: fine
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

/// What the child needs, prepared by the parent before vfork().
struct SpawnArgs {
  const char* exe = nullptr;
  const char** argv = nullptr;
  const char** envp = nullptr;
  const char* cwd = nullptr;  // nullptr: inherit
  int stdio[3] = {-1, -1, -1};  // become 0, 1, 2 (each >= 3, close-on-exec)
  int error_fd = -1;            // close-on-exec: the errno of a failure before exec goes here
  pid_t parent = 0;
};

/// In the vfork()ed child: never returns. A failure before exec writes its
/// errno to `a.error_fd` and ends the child with 127; a successful exec
/// closes that descriptor, so the parent reads nothing. (A pipe rather than
/// the shared memory of vfork: ThreadSanitizer turns vfork into fork.)
[[noreturn]] void exec_child(const SpawnArgs& a) noexcept {
  auto fail = [&a] {
    const int err = errno != 0 ? errno : EINVAL;
    [[maybe_unused]] ssize_t n = ::write(a.error_fd, &err, sizeof err);
    ::_exit(127);
  };
  // Its own process group, so that the stop sequence reaches every descendant.
  if (::setpgid(0, 0) != 0) fail();
  // The direct child dies if wf is SIGKILLed (strictly: if the thread that
  // started it ends; run() blocks that thread until the child is reaped).
  // Grandchildren are only reached by the group kill of the normal paths.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail();
  if (::getppid() != a.parent) ::_exit(127);  // wf died before prctl
  for (int fd = 0; fd < 3; ++fd)
    if (::dup2(a.stdio[fd], fd) < 0) fail();
  const auto keep = static_cast<unsigned>(a.error_fd);
  close_fd_range(3, keep - 1);
  close_fd_range(keep + 1, std::numeric_limits<unsigned>::max());
  if (a.cwd != nullptr && ::chdir(a.cwd) != 0) fail();
  reset_signals();
  ::execve(a.exe, const_cast<char* const*>(a.argv), const_cast<char* const*>(a.envp));
  fail();
  ::_exit(127);
}

/// Starts the child. Returns its pid, or -1 and the errno of what failed
/// (vfork, or in the child: setpgid, dup2, chdir, execve). `args.error_fd`
/// is filled here.
pid_t spawn_child(SpawnArgs args, int& error) {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    error = errno;
    return -1;
  }
  for (int& fd : report) {  // above 0-2, which the child's dup2 overwrites
    if (fd >= 3) continue;
    const int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    fd = high;
  }
  if (report[0] < 0 || report[1] < 0) {
    error = EMFILE;
    for (int fd : report)
      if (fd >= 0) ::close(fd);
    return -1;
  }
  args.error_fd = report[1];
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid = ::vfork();
  if (pid == 0) exec_child(args);
  const int vfork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    error = vfork_errno;
    return -1;
  }
  int child_error = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &child_error, sizeof child_error);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof child_error)) {  // it did not get to exec: reap it
    error = child_error;
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  return pid;
}

/// A descriptor that outlives nothing: closed when it goes out of scope
/// unless released.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

/// `fd` moved to a number >= 3 (if wf was started with 0, 1 or 2 closed,
/// a new pipe can land there, and dup2 onto 0-2 would clobber it).
Fd above_stdio(int fd) {
  if (fd < 0 || fd >= 3) return Fd(fd);
  Fd low(fd);
  return Fd(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
}

/// A close-on-exec pipe, both ends >= 3. {read, write}; invalid on failure.
std::pair<Fd, Fd> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {};
  return {above_stdio(fds[0]), above_stdio(fds[1])};
}

// ---------------------------------------------------------------------------
// Process-wide pieces.

/// Orphaned members of a child's group (whose parent exited) are re-parented
/// to wf instead of init, so that wf can reap them and see the group empty:
/// an init that does not reap (a container's, this VM's) would leave zombies
/// that keep kill(-pgid, 0) succeeding forever.
void become_subreaper() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });
}

/// Blocks SIGPIPE on this thread while stdin is written to a child that may
/// have stopped reading, and discards the SIGPIPE such a write raised (Asio
/// ignores SIGPIPE only on a few Unixes, not on Linux).
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    ::sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeGuard() {
    if (sigismember(&old_, SIGPIPE) == 1) return;  // blocked before: not ours to discard
    sigset_t pending;
    ::sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{};
      ::sigtimedwait(&pipe_, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

/// Forwards a cancellation from any thread into the io_context. CancelToken
/// may still be running the callback on another thread after remove_callback()
/// returns, so the callback only posts while `io` is set, under a lock.
class CancelForwarder {
 public:
  CancelForwarder(const core::CancelToken& token, asio::io_context& io, std::function<void()> fn)
      : token_(token), state_(std::make_shared<State>()) {
    state_->io = &io;
    state_->fn = std::move(fn);
    id_ = token_.on_cancel([state = state_] {
      std::lock_guard<std::mutex> lock(state->mu);
      if (state->io != nullptr) asio::post(*state->io, state->fn);
    });
  }
  ~CancelForwarder() {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->io = nullptr;
    }
    token_.remove_callback(id_);
  }
  CancelForwarder(const CancelForwarder&) = delete;
  CancelForwarder& operator=(const CancelForwarder&) = delete;

 private:
  struct State {
    std::mutex mu;
    asio::io_context* io = nullptr;
    std::function<void()> fn;
  };
  const core::CancelToken& token_;
  std::shared_ptr<State> state_;
  int id_ = 0;
};

// ---------------------------------------------------------------------------
// One run() call.

struct Output {
  Output(asio::io_context& io, const Sink& sink) : pipe(io), sink(sink), buf(new char[kReadChunk]) {}
  asio::readable_pipe pipe;
  const Sink& sink;
  std::unique_ptr<char[]> buf;  // not zeroed: 2 × 64 KiB of memset per process was 12% of a run of `true` steps
  bool open = true;
};

/// The child, its pipes, the stop sequence and the clean-up of its group.
/// Every handler runs on the thread that called execute(); no locking.
class Run {
 public:
  Run(const ProcessSpec& spec, const core::CancelToken& cancel)
      : spec_(spec), cancel_(cancel), timeout_timer_(io_), stop_timer_(io_), group_timer_(io_), stdin_(io_),
        out_(io_, spec.on_stdout), err_(io_, spec.on_stderr), pidfd_(io_) {}
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  /// Exceptions thrown by the output callbacks propagate, after ~Run has
  /// killed the group.
  ProcessResult execute();

 private:
  enum class StopReason { kTimeout, kCancel };

  bool fail(std::string error);
  bool spawn();
  void launch(const std::string& exe, CStringArray& argv, CStringArray& env);
  void start_io();
  void read_next(Output& out);
  void drain(Output& out);
  void wait_exit();
  void check_exit();
  void on_exited(std::optional<int> status);
  void begin_stop(StopReason why);
  void escalate(int sig, Millis after, std::optional<Millis> then);
  void poll_group();
  bool group_alive();
  void on_group_gone();
  void maybe_finish();
  void signal_group(int sig);

  const ProcessSpec& spec_;
  const core::CancelToken& cancel_;
  asio::io_context io_;
  asio::steady_timer timeout_timer_;
  asio::steady_timer stop_timer_;
  asio::steady_timer group_timer_;
  asio::writable_pipe stdin_;
  Output out_;
  Output err_;
  asio::posix::stream_descriptor pidfd_;  // readable once the child has exited
  pid_t pgid_ = -1;                       // the child's pid, and its group's id
  ProcessResult result_;
  bool stopping_ = false;
  bool exited_ = false;
  bool group_gone_ = false;
  bool finished_ = false;
  bool leftovers_killed_ = false;
  SteadyClock::time_point leftover_deadline_;
  SteadyClock::time_point leftovers_killed_at_;
};

ProcessResult Run::execute() {
  const auto started = SteadyClock::now();
  if (cancel_.cancelled()) {
    result_.cancelled = true;
    result_.error = "cancelled before start";
    return result_;
  }
  SigpipeGuard sigpipe;  // the io_context runs on this thread: so do the writes
  if (spawn()) {
    CancelForwarder forward(cancel_, io_, [this] { begin_stop(StopReason::kCancel); });
    start_io();
    io_.run();
  }
  result_.duration = std::chrono::duration_cast<Millis>(SteadyClock::now() - started);
  if (result_.started && core::log::enabled(core::log::Level::kDebug))
    core::log::debug("process " + std::to_string(pgid_) + " ended: " +
                     (result_.signal ? "signal " + std::to_string(result_.signal)
                                     : "exit code " + std::to_string(result_.exit_code)) +
                     " after " + std::to_string(result_.duration.count()) + "ms" +
                     (result_.timed_out ? " (timed out)" : result_.cancelled ? " (cancelled)" : ""));
  return result_;
}

bool Run::fail(std::string error) {
  result_.error = std::move(error);
  return false;
}

bool Run::spawn() {
  if (spec_.argv.empty() || spec_.argv.front().empty()) return fail("empty command");
  if (auto bad = check_cwd(spec_.cwd); !bad.empty()) return fail(std::move(bad));
  const auto exe = resolve_executable(spec_);
  if (!exe) return fail(spec_.argv.front() + ": command not found");
  CStringArray argv;
  for (const auto& arg : spec_.argv) argv.add(arg);
  CStringArray env;
  for (const auto& [key, value] : spec_.env) env.add(key + "=" + value);
  launch(*exe, argv, env);
  return result_.started;
}

void Run::launch(const std::string& exe, CStringArray& argv, CStringArray& env) {
  auto [out_r, out_w] = make_pipe();
  auto [err_r, err_w] = make_pipe();
  Fd in_r, in_w;
  if (spec_.stdin_data) {
    std::tie(in_r, in_w) = make_pipe();
  } else {
    in_r = above_stdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  }
  if (out_r.get() < 0 || out_w.get() < 0 || err_r.get() < 0 || err_w.get() < 0 || in_r.get() < 0 ||
      (spec_.stdin_data && in_w.get() < 0)) {
    result_.error = spec_.argv.front() + ": cannot create pipes: " + errno_text(errno);
    return;
  }
  SpawnArgs args;
  args.exe = exe.c_str();
  args.argv = argv.get();
  args.envp = env.get();
  args.cwd = spec_.cwd.empty() ? nullptr : spec_.cwd.c_str();
  args.stdio[0] = in_r.get();
  args.stdio[1] = out_w.get();
  args.stdio[2] = err_w.get();
  args.parent = ::getpid();
  int error = 0;
  const pid_t pid = spawn_child(args, error);
  if (pid < 0) {
    result_.error = spec_.argv.front() + ": " + errno_text(error);
    return;
  }
  pgid_ = pid;
  result_.started = true;
  if (core::log::enabled(core::log::Level::kDebug))
    core::log::debug("process " + std::to_string(pid) + " started: " +
                     core::log::quote_argv(spec_.argv.data(), spec_.argv.data() + spec_.argv.size()) +
                     (spec_.cwd.empty() ? "" : " (in " + spec_.cwd + ")"));
  out_.pipe.assign(out_r.release());
  err_.pipe.assign(err_r.release());
  if (spec_.stdin_data) stdin_.assign(in_w.release());
  // A pidfd tells the io_context when the child exits; without one (Linux
  // before 5.3) the exit is polled.
  if (const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); pidfd >= 0) pidfd_.assign(pidfd);
}

void Run::start_io() {
  if (spec_.stdin_data) {
    asio::async_write(stdin_, asio::buffer(*spec_.stdin_data), [this](ErrorCode, std::size_t) {
      ErrorCode ignored;
      stdin_.close(ignored);  // EOF for the child (or it stopped reading: EPIPE)
    });
  }
  read_next(out_);
  read_next(err_);
  wait_exit();
  if (spec_.timeout) {
    timeout_timer_.expires_after(*spec_.timeout);
    timeout_timer_.async_wait([this](ErrorCode ec) {
      if (!ec) begin_stop(StopReason::kTimeout);
    });
  }
}

void Run::read_next(Output& out) {
  out.pipe.async_read_some(asio::buffer(out.buf.get(), kReadChunk), [this, &out](ErrorCode ec, std::size_t n) {
    if (n > 0 && out.sink) out.sink(std::string_view(out.buf.get(), n));
    if (!ec && !group_gone_) return read_next(out);
    // The group is gone (the read was cancelled, or completed meanwhile): what
    // it wrote is in the pipe now, but a process that escaped the group may
    // hold the pipe open, so don't wait for EOF.
    if (group_gone_ && ec != asio::error::eof) drain(out);
    ErrorCode ignored;
    out.pipe.close(ignored);
    out.open = false;
    maybe_finish();
  });
}

void Run::drain(Output& out) {
  const int fd = out.pipe.native_handle();
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  // The pipe holds at most its capacity; a writer outside the group could
  // otherwise keep this loop going.
  const int capacity = ::fcntl(fd, F_GETPIPE_SZ);
  std::size_t budget = capacity > 0 ? static_cast<std::size_t>(capacity) : 1u << 20;
  while (budget > 0) {
    const ssize_t n = ::read(fd, out.buf.get(), std::min(kReadChunk, budget));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    budget -= static_cast<std::size_t>(n);
    if (out.sink) out.sink(std::string_view(out.buf.get(), static_cast<std::size_t>(n)));
  }
}

void Run::wait_exit() {
  if (pidfd_.is_open()) {
    pidfd_.async_wait(asio::posix::stream_descriptor::wait_read, [this](ErrorCode ec) {
      if (ec != asio::error::operation_aborted) check_exit();
    });
    return;
  }
  group_timer_.expires_after(kGroupPoll);
  group_timer_.async_wait([this](ErrorCode ec) {
    if (!ec) check_exit();
  });
}

void Run::check_exit() {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pgid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pgid_) return on_exited(status);
  if (r < 0) return on_exited(std::nullopt);  // not ours to wait for any more
  // Not exited yet (no pidfd, or a spurious wake-up): look again shortly.
  group_timer_.expires_after(kGroupPoll);
  group_timer_.async_wait([this](ErrorCode ec) {
    if (!ec) check_exit();
  });
}

void Run::on_exited(std::optional<int> status) {
  exited_ = true;
  if (status && WIFEXITED(*status)) result_.exit_code = WEXITSTATUS(*status);
  if (status && WIFSIGNALED(*status)) result_.signal = WTERMSIG(*status);
  ErrorCode ignored;
  pidfd_.close(ignored);
  timeout_timer_.cancel();
  stop_timer_.cancel();
  // Whatever is left of the group (`cmd &` in a script) gets SIGTERM now and
  // SIGKILL after kLeftoverGrace.
  leftover_deadline_ = SteadyClock::now() + kLeftoverGrace;
  if (group_alive()) signal_group(SIGTERM);
  poll_group();
}

void Run::begin_stop(StopReason why) {
  if (stopping_ || exited_) return;
  stopping_ = true;
  (why == StopReason::kTimeout ? result_.timed_out : result_.cancelled) = true;
  escalate(SIGINT, spec_.stop.interrupt_grace, spec_.stop.terminate_grace);
}

void Run::escalate(int sig, Millis after, std::optional<Millis> then) {
  if (exited_) return;
  if (core::log::enabled(core::log::Level::kDebug))
    core::log::debug("stopping process group " + std::to_string(pgid_) + ": SIG" + ::sigabbrev_np(sig));
  signal_group(sig);
  if (sig == SIGKILL) return;
  const int next = sig == SIGINT ? SIGTERM : SIGKILL;
  stop_timer_.expires_after(after);
  stop_timer_.async_wait([this, next, then](ErrorCode ec) {
    if (!ec) escalate(next, then.value_or(Millis{0}), std::nullopt);
  });
}

void Run::poll_group() {
  if (!group_alive()) return on_group_gone();
  const auto now = SteadyClock::now();
  if (!leftovers_killed_ && now >= leftover_deadline_) {
    signal_group(SIGKILL);
    leftovers_killed_ = true;
    leftovers_killed_at_ = now;
  } else if (leftovers_killed_ && now - leftovers_killed_at_ >= kGroupGiveUp) {
    result_.error = "process group " + std::to_string(pgid_) + " still has members after SIGKILL";
    return on_group_gone();
  }
  group_timer_.expires_after(kGroupPoll);
  group_timer_.async_wait([this](ErrorCode ec) {
    if (!ec) poll_group();
  });
}

/// Reaps the members that are our children (orphans re-parented to wf, the
/// subreaper), then asks the kernel whether anyone is left. Only called once
/// the main process is reaped, so waitpid(-pgid) cannot take it from Boost.
bool Run::group_alive() {
  while (::waitpid(-pgid_, nullptr, WNOHANG) > 0) {
  }
  return ::kill(-pgid_, 0) == 0 || errno != ESRCH;
}

void Run::on_group_gone() {
  group_gone_ = true;
  group_timer_.cancel();
  ErrorCode ignored;
  stdin_.close(ignored);
  for (Output* out : {&out_, &err_}) {
    if (out->open) out->pipe.cancel(ignored);
  }
  maybe_finish();
}

void Run::maybe_finish() {
  if (!exited_ || !group_gone_ || out_.open || err_.open) return;
  finished_ = true;
  timeout_timer_.cancel();
  stop_timer_.cancel();
  group_timer_.cancel();
}

void Run::signal_group(int sig) {
  // Never after the group is known to be empty: its id may be reused.
  if (pgid_ <= 0 || group_gone_) return;
  ::kill(-pgid_, sig);
  // A stopped member (SIGTTIN from opening /dev/tty, a `kill -STOP`) only acts
  // on SIGINT / SIGTERM once continued; SIGKILL needs no help.
  if (sig != SIGKILL) ::kill(-pgid_, SIGCONT);
}

/// Only does anything when execute() is left by an exception from a callback:
/// the group is killed and reaped here, synchronously.
Run::~Run() {
  if (pgid_ <= 0 || finished_) return;
  if (!group_gone_) ::kill(-pgid_, SIGKILL);
  if (!exited_) ::waitpid(pgid_, nullptr, 0);
  const auto give_up = SteadyClock::now() + kGroupGiveUp;
  while (!group_gone_ && group_alive() && SteadyClock::now() < give_up) {
    ::kill(-pgid_, SIGKILL);
    std::this_thread::sleep_for(kGroupPoll);
  }
}

class AsioProcessRunner final : public services::ProcessRunner {
 public:
  ProcessResult run(const ProcessSpec& spec, const core::CancelToken& cancel) override {
    Run run(spec, cancel);
    return run.execute();
  }
};

}  // namespace

std::unique_ptr<services::ProcessRunner> make_process_runner() {
  become_subreaper();
  return std::make_unique<AsioProcessRunner>();
}

}  // namespace wf::adapters
