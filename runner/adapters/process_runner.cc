// The real ProcessRunner: Boost.Process v2 launches the child, one Asio
// io_context per run() drives its pipes, its exit, the stop sequence and the
// clean-up of its process group, all on the thread that called run().
//
// This is the only translation unit that includes Boost.Process / Asio
// (about 3 s to compile in Debug, 5 s with -O2: it includes only what it uses).

// Boost.Filesystem is not a dependency of wf: make Process v2 use std::filesystem.
#define BOOST_PROCESS_USE_STD_FS 1

#include "runner/adapters/process_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

// Boost 1.81's Process v2 with BOOST_PROCESS_USE_STD_FS relies on these
// arriving through Boost.Filesystem's headers.
#include <boost/optional.hpp>
#include <boost/type_traits/decay.hpp>
#include <boost/type_traits/is_convertible.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/writable_pipe.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>

namespace wf::adapters {
namespace {

namespace asio = boost::asio;
namespace bp = boost::process::v2;
using services::Millis;
using services::ProcessResult;
using services::ProcessSpec;
using SteadyClock = std::chrono::steady_clock;
using Process = bp::basic_process<asio::io_context::executor_type>;
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
std::optional<std::string> resolve_executable(const ProcessSpec& spec) {
  const std::string& name = spec.argv.front();
  if (name.find('/') != std::string::npos) return name;
  const std::string path = search_path(spec);
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
// In the child, between fork and exec: async-signal-safe calls only.

bp::error_code last_error() { return bp::error_code(errno, boost::system::system_category()); }

void close_fd_range(unsigned lo, unsigned hi) {
  if (lo > hi) return;
  if (::close_range(lo, hi, 0) == 0) return;
  const unsigned cap = std::min(hi, 65535u);  // kernels before 5.9
  for (unsigned fd = lo; fd <= cap; ++fd) ::close(static_cast<int>(fd));
}

/// Closes every descriptor but `keep`. Boost 1.81's own close_all() skips the
/// ones below its exec-error pipe (it compares each whitelist entry with
/// itself), which would leak pipes of runs on other threads into this child
/// and hold back their EOF.
void close_other_fds(const std::vector<int>& keep_list) {
  std::array<int, 16> keep{};
  const std::size_t n = std::min(keep_list.size(), keep.size());
  std::copy_n(keep_list.begin(), n, keep.begin());
  std::sort(keep.begin(), keep.begin() + static_cast<std::ptrdiff_t>(n));
  unsigned next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto fd = static_cast<unsigned>(keep[i]);
    if (fd > next) close_fd_range(next, fd - 1);
    next = std::max(next, fd + 1);
  }
  close_fd_range(next, std::numeric_limits<unsigned>::max());
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

/// A Boost.Process v2 initializer; must come after process_stdio (which dup2s
/// the pipes onto 0, 1, 2 in its own on_exec_setup).
struct ChildSetup {
  pid_t parent = 0;
  const char* cwd = nullptr;  // nullptr: inherit

  bp::error_code on_exec_setup(bp::posix::default_launcher& launcher, const std::filesystem::path&,
                               const char* const*) {
    // Its own process group, so that the stop sequence reaches every descendant.
    if (::setpgid(0, 0) != 0) return last_error();
    // The direct child dies if wf is SIGKILLed (strictly: if the thread that
    // forked it ends; run() blocks that thread until the child is reaped).
    // Grandchildren are only reached by the group kill of the normal paths.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return last_error();
    if (::getppid() != parent) ::_exit(127);  // wf died before prctl
    reset_signals();
    if (cwd != nullptr && ::chdir(cwd) != 0) return last_error();
    close_other_fds(launcher.fd_whitelist);
    return {};
  }

  // Boost calls this after reporting errno to the parent, then calls exit(),
  // which would run wf's atexit handlers and static destructors in a forked
  // copy of a multi-threaded process; leave before that.
  template <class... Args>
  void on_exec_error(Args&&...) {
    ::_exit(127);
  }
};

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
  Output(asio::io_context& io, const Sink& sink) : pipe(io), sink(sink), buf(kReadChunk) {}
  asio::readable_pipe pipe;
  const Sink& sink;
  std::vector<char> buf;
  bool open = true;
};

/// The child, its pipes, the stop sequence and the clean-up of its group.
/// Every handler runs on the thread that called execute(); no locking.
class Run {
 public:
  Run(const ProcessSpec& spec, const core::CancelToken& cancel)
      : spec_(spec), cancel_(cancel), timeout_timer_(io_), stop_timer_(io_), group_timer_(io_), stdin_(io_),
        out_(io_, spec.on_stdout), err_(io_, spec.on_stderr) {}
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
  void on_wait(bp::error_code ec);
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
  std::optional<Process> proc_;
  pid_t pgid_ = -1;
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
  bp::posix::default_launcher launcher;
  launcher.env = env.get();
  ChildSetup setup{::getpid(), spec_.cwd.empty() ? nullptr : spec_.cwd.c_str()};
  bp::error_code ec;
  // A `const char**` argv is passed through unchanged: argv[0] stays as given.
  const char** args = argv.get();
  try {
    if (spec_.stdin_data) {
      bp::process_stdio stdio{stdin_, out_.pipe, err_.pipe};
      proc_.emplace(launcher(io_.get_executor(), ec, exe, args, stdio, setup));
    } else {
      bp::process_stdio stdio{nullptr, out_.pipe, err_.pipe};
      proc_.emplace(launcher(io_.get_executor(), ec, exe, args, stdio, setup));
    }
  } catch (const std::exception& e) {  // e.g. pidfd_open failed after the fork
    ec = bp::error_code(EINVAL, boost::system::system_category());
    result_.error = spec_.argv.front() + ": " + e.what();
  }
  if (!ec) {
    pgid_ = proc_->id();
    result_.started = true;
    return;
  }
  proc_.reset();
  if (launcher.pid > 0) {  // Boost leaves a child that failed to exec (or that we lost) unreaped
    ::kill(-launcher.pid, SIGKILL);
    ::kill(launcher.pid, SIGKILL);
    ::waitpid(launcher.pid, nullptr, 0);
  }
  if (result_.error.empty()) result_.error = spec_.argv.front() + ": " + errno_text(ec.value());
}

void Run::start_io() {
  if (spec_.stdin_data) {
    asio::async_write(stdin_, asio::buffer(*spec_.stdin_data), [this](bp::error_code, std::size_t) {
      bp::error_code ignored;
      stdin_.close(ignored);  // EOF for the child (or it stopped reading: EPIPE)
    });
  }
  read_next(out_);
  read_next(err_);
  proc_->async_wait([this](bp::error_code ec, int) { on_wait(ec); });
  if (spec_.timeout) {
    timeout_timer_.expires_after(*spec_.timeout);
    timeout_timer_.async_wait([this](bp::error_code ec) {
      if (!ec) begin_stop(StopReason::kTimeout);
    });
  }
}

void Run::read_next(Output& out) {
  out.pipe.async_read_some(asio::buffer(out.buf), [this, &out](bp::error_code ec, std::size_t n) {
    if (n > 0 && out.sink) out.sink(std::string_view(out.buf.data(), n));
    if (!ec && !group_gone_) return read_next(out);
    // The group is gone (the read was cancelled, or completed meanwhile): what
    // it wrote is in the pipe now, but a process that escaped the group may
    // hold the pipe open, so don't wait for EOF.
    if (group_gone_ && ec != asio::error::eof) drain(out);
    bp::error_code ignored;
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
    const ssize_t n = ::read(fd, out.buf.data(), std::min(out.buf.size(), budget));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    budget -= static_cast<std::size_t>(n);
    if (out.sink) out.sink(std::string_view(out.buf.data(), static_cast<std::size_t>(n)));
  }
}

void Run::on_wait(bp::error_code ec) {
  if (ec == asio::error::operation_aborted) return;
  if (!ec) return on_exited(proc_->native_exit_code());
  // The pidfd wait failed: poll instead.
  bp::error_code poll_ec;
  if (!proc_->running(poll_ec)) {
    return on_exited(poll_ec ? std::nullopt : std::optional<int>(proc_->native_exit_code()));
  }
  group_timer_.expires_after(kGroupPoll);
  group_timer_.async_wait([this](bp::error_code timer_ec) {
    if (!timer_ec) on_wait(asio::error::try_again);
  });
}

void Run::on_exited(std::optional<int> status) {
  exited_ = true;
  if (status && WIFEXITED(*status)) result_.exit_code = WEXITSTATUS(*status);
  if (status && WIFSIGNALED(*status)) result_.signal = WTERMSIG(*status);
  proc_->detach();  // reaped: its destructor must not signal a recycled pid
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
  signal_group(sig);
  if (sig == SIGKILL) return;
  const int next = sig == SIGINT ? SIGTERM : SIGKILL;
  stop_timer_.expires_after(after);
  stop_timer_.async_wait([this, next, then](bp::error_code ec) {
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
  group_timer_.async_wait([this](bp::error_code ec) {
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
  bp::error_code ignored;
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
  if (!exited_) {
    ::waitpid(pgid_, nullptr, 0);
    if (proc_) proc_->detach();
  }
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
