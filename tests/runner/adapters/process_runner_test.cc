// The real process runner against real processes (bash, sleep, coreutils).
// Every test stays well under 3 s; stop graces are a few hundred ms.

#include "runner/adapters/process_runner.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using wf::core::CancelToken;
using wf::services::Millis;
using wf::services::ProcessResult;
using wf::services::ProcessSpec;
using SteadyClock = std::chrono::steady_clock;

/// What a run printed, chunk by chunk.
struct Captured {
  std::string out;
  std::string err;
  std::vector<std::pair<Millis, std::string>> out_chunks;  // arrival time since start
};

std::string own_path() {
  const char* p = std::getenv("PATH");
  return p != nullptr ? p : "/usr/bin:/bin";
}

ProcessSpec command(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.env = {{"PATH", own_path()}};
  spec.stop.interrupt_grace = 200ms;
  spec.stop.terminate_grace = 200ms;
  return spec;
}

ProcessSpec bash(const std::string& script) { return command({"bash", "-c", script}); }

ProcessResult run(ProcessSpec spec, Captured& cap, const CancelToken& cancel = CancelToken{}) {
  const auto start = SteadyClock::now();
  spec.on_stdout = [&cap, start](std::string_view s) {
    cap.out += s;
    cap.out_chunks.emplace_back(std::chrono::duration_cast<Millis>(SteadyClock::now() - start), std::string(s));
  };
  spec.on_stderr = [&cap](std::string_view s) { cap.err += s; };
  return wf::adapters::make_process_runner()->run(spec, cancel);
}

ProcessResult run(ProcessSpec spec) {
  Captured ignored;
  return run(std::move(spec), ignored);
}

/// A marker no other test or process uses: `sleep <marker>` sleeps 1000 s.
std::string unique_marker() {
  static std::atomic<int> counter{0};
  return "1000." + std::to_string(::getpid()) + std::to_string(100 + counter++);
}

/// Live processes whose command line contains `marker` (a zombie's is empty).
std::vector<pid_t> pids_with(const std::string& marker) {
  std::vector<pid_t> found;
  DIR* proc = ::opendir("/proc");
  REQUIRE(proc != nullptr);
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(marker) != std::string::npos) found.push_back(static_cast<pid_t>(std::stol(e->d_name)));
  }
  ::closedir(proc);
  return found;
}

int processes_with(const std::string& marker) { return static_cast<int>(pids_with(marker).size()); }

bool group_gone(pid_t pgid) { return ::kill(-pgid, 0) == -1 && errno == ESRCH; }

/// The first line a script printed: in these tests, bash's `$$`, i.e. the pgid.
pid_t first_line_pid(const std::string& out) { return static_cast<pid_t>(std::stol(out.substr(0, out.find('\n')))); }

Millis ms_since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<Millis>(SteadyClock::now() - t);
}

/// A fresh directory under the system temp dir, removed at the end.
struct TempDir {
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wf-proc-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = std::filesystem::canonical(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
};

void write_file(const std::filesystem::path& p, const std::string& text, mode_t mode) {
  std::ofstream(p) << text;
  ::chmod(p.c_str(), mode);
}

}  // namespace

// --- output ----------------------------------------------------------------

TEST_CASE("process runner: stdout and stderr are collected in order, each stream whole", "[process]") {
  Captured cap;
  auto r = run(bash("for i in $(seq 1 300); do echo out$i; echo err$i >&2; done"), cap);
  std::string want_out, want_err;
  for (int i = 1; i <= 300; ++i) {
    want_out += "out" + std::to_string(i) + "\n";
    want_err += "err" + std::to_string(i) + "\n";
  }
  CHECK(r.started);
  CHECK(r.success());
  CHECK(cap.out == want_out);
  CHECK(cap.err == want_err);
}

TEST_CASE("process runner: output arrives while the process still runs", "[process]") {
  Captured cap;
  auto r = run(bash("echo first; sleep 0.4; echo second"), cap);
  REQUIRE(r.success());
  REQUIRE(cap.out_chunks.size() >= 2);
  CHECK(cap.out_chunks.front().second == "first\n");
  CHECK(cap.out_chunks.front().first < 300ms);
  CHECK(cap.out_chunks.back().first >= 350ms);
  CHECK(cap.out == "first\nsecond\n");
}

TEST_CASE("process runner: a megabyte on both streams does not deadlock", "[process]") {
  Captured cap;
  auto r = run(bash("head -c 1000000 /dev/zero | tr '\\0' o & head -c 1000000 /dev/zero | tr '\\0' e >&2; wait"), cap);
  CHECK(r.success());
  CHECK(cap.out == std::string(1000000, 'o'));
  CHECK(cap.err == std::string(1000000, 'e'));
}

TEST_CASE("process runner: output still in a large pipe when the process exits is delivered", "[process]") {
  // perl (essential on Debian) grows its stdout pipe to 1 MiB, fills it in one
  // write and exits: more than one read's worth is left behind.
  Captured cap;
  auto r = run(command({"perl", "-e", "fcntl(STDOUT, 1031, 1 << 20) or die; print 'x' x 1000000"}), cap);
  CHECK(r.success());
  CHECK(cap.out.size() == 1000000);
}

// --- exit status -------------------------------------------------------------

TEST_CASE("process runner: exit codes and signals are reported", "[process]") {
  auto ok = run(command({"true"}));
  CHECK(ok.started);
  CHECK(ok.exit_code == 0);
  CHECK(ok.signal == 0);
  CHECK(ok.success());

  auto seven = run(bash("exit 7"));
  CHECK(seven.exit_code == 7);
  CHECK(seven.signal == 0);
  CHECK_FALSE(seven.success());

  auto killed = run(bash("kill -TERM $$"));
  CHECK(killed.signal == SIGTERM);
  CHECK(killed.exit_code == -1);
  CHECK_FALSE(killed.timed_out);
  CHECK_FALSE(killed.success());
}

TEST_CASE("process runner: duration covers the run", "[process]") {
  auto r = run(command({"sleep", "0.3"}));
  CHECK(r.success());
  CHECK(r.duration >= 290ms);
  CHECK(r.duration < 1500ms);
}

// --- spawning ------------------------------------------------------------------

TEST_CASE("process runner: the environment is exactly spec.env", "[process]") {
  Captured cap;
  auto spec = command({"env"});
  spec.env["WF_TEST_VALUE"] = "a b $(c)";
  auto r = run(spec, cap);
  CHECK(r.success());
  CHECK(cap.out == "PATH=" + own_path() + "\nWF_TEST_VALUE=a b $(c)\n");
}

TEST_CASE("process runner: argv[0] is looked up in PATH of spec.env and passed as given", "[process]") {
  TempDir dir;
  write_file(dir.path / "wf-test-tool", "#!/bin/sh\necho \"tool $0 $1\"\n", 0755);
  Captured cap;
  auto spec = command({"wf-test-tool", "arg1"});
  spec.env["PATH"] = dir.path.string() + ":" + own_path();
  auto r = run(spec, cap);
  CHECK(r.success());
  CHECK(cap.out == "tool " + (dir.path / "wf-test-tool").string() + " arg1\n");

  Captured argv0;
  auto r0 = run(bash("tr '\\0' ' ' < /proc/$$/cmdline"), argv0);
  CHECK(r0.success());
  CHECK(argv0.out.rfind("bash -c ", 0) == 0);

  auto not_in_own_path = run(command({"wf-test-tool"}));
  CHECK_FALSE(not_in_own_path.started);
}

TEST_CASE("process runner: cwd sets the working directory, relative commands resolve there", "[process]") {
  TempDir dir;
  write_file(dir.path / "local.sh", "#!/bin/sh\npwd\n", 0755);
  Captured cap;
  auto spec = command({"./local.sh"});
  spec.cwd = dir.path.string();
  auto r = run(spec, cap);
  CHECK(r.success());
  CHECK(cap.out == dir.path.string() + "\n");
}

TEST_CASE("process runner: a command that cannot start is reported, not run", "[process]") {
  auto missing = run(command({"wf-no-such-command-xyz", "x"}));
  CHECK_FALSE(missing.started);
  CHECK(missing.error == "wf-no-such-command-xyz: command not found");
  CHECK_FALSE(missing.success());

  TempDir dir;
  write_file(dir.path / "not-executable", "#!/bin/sh\necho hi\n", 0644);
  auto denied = run(command({(dir.path / "not-executable").string()}));
  CHECK_FALSE(denied.started);
  CHECK(denied.error == (dir.path / "not-executable").string() + ": Permission denied");

  auto no_file = run(command({(dir.path / "absent").string()}));
  CHECK_FALSE(no_file.started);
  CHECK(no_file.error == (dir.path / "absent").string() + ": No such file or directory");

  auto spec = command({"true"});
  spec.cwd = (dir.path / "no-such-dir").string();
  auto bad_cwd = run(spec);
  CHECK_FALSE(bad_cwd.started);
  CHECK(bad_cwd.error == "working directory " + spec.cwd + ": No such file or directory");

  CHECK_FALSE(run(command({})).started);
}

TEST_CASE("process runner: the child leads its own process group with default signals", "[process]") {
  Captured cap;
  auto r = run(bash("read -r pid comm state ppid pgrp rest < /proc/$$/stat; echo $pid $pgrp"), cap);
  REQUIRE(r.success());
  std::istringstream in(cap.out);
  pid_t pid = 0, pgrp = 0;
  in >> pid >> pgrp;
  CHECK(pid == pgrp);
  CHECK(pgrp != ::getpgrp());

  // Blocked or ignored in wf must not mean blocked or ignored in the child.
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigaddset(&block, SIGTERM);
  ::pthread_sigmask(SIG_BLOCK, &block, &old_mask);
  struct sigaction ign {}, old_quit {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGQUIT, &ign, &old_quit);
  Captured status;
  auto s = run(command({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}), status);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  CHECK(s.success());
  CHECK(status.out == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_CASE("process runner: the child inherits no descriptors but 0, 1 and 2", "[process]") {
  // Not close-on-exec, like a descriptor another thread has just opened.
  const int leaked = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaked > 2);
  Captured cap;
  auto r = run(command({"ls", "/proc/self/fd"}), cap);
  ::close(leaked);
  CHECK(r.success());
  CHECK(cap.out == "0\n1\n2\n3\n");  // 3: the directory ls is reading
}

// --- stdin ---------------------------------------------------------------------

TEST_CASE("process runner: stdin_data is written then closed", "[process]") {
  Captured cap;
  auto spec = command({"cat"});
  spec.stdin_data = "hello\nworld\n";
  auto r = run(spec, cap);
  CHECK(r.success());
  CHECK(cap.out == "hello\nworld\n");

  Captured big;
  spec.stdin_data = std::string(1 << 20, 'x');
  CHECK(run(spec, big).success());
  CHECK(big.out.size() == (1u << 20));
}

TEST_CASE("process runner: without stdin_data stdin is /dev/null", "[process]") {
  Captured cap;
  auto r = run(bash("cat; readlink /proc/self/fd/0 </dev/stdin"), cap);
  CHECK(r.success());
  CHECK(cap.out == "/dev/null\n");
}

TEST_CASE("process runner: a child that never reads stdin_data neither blocks nor kills wf", "[process]") {
  auto spec = command({"true"});
  spec.stdin_data = std::string(4 << 20, 'x');
  const auto start = SteadyClock::now();
  CHECK(run(spec).success());
  // Closes stdin and lives on: the write fails with EPIPE (and SIGPIPE).
  auto closes = bash("exec 0<&-; sleep 0.2");
  closes.stdin_data = std::string(4 << 20, 'x');
  CHECK(run(closes).success());
  CHECK(ms_since(start) < 1500ms);
}

// --- stopping ------------------------------------------------------------------

TEST_CASE("process runner: a timeout interrupts a long command", "[process][stop]") {
  auto spec = command({"sleep", "100"});
  spec.timeout = 300ms;
  spec.stop.interrupt_grace = 2000ms;
  auto r = run(spec);
  CHECK(r.started);
  CHECK(r.timed_out);
  CHECK_FALSE(r.cancelled);
  CHECK(r.signal == SIGINT);
  CHECK_FALSE(r.success());
  CHECK(r.duration >= 290ms);
  CHECK(r.duration < 1000ms);
}

TEST_CASE("process runner: SIGINT comes first and a trap sees it", "[process][stop]") {
  const auto marker = unique_marker();
  Captured cap;
  auto spec = bash("trap 'echo got-int; exit 3' INT; echo $$; sleep " + marker + " & wait");
  spec.timeout = 300ms;
  spec.stop.interrupt_grace = 2000ms;
  auto r = run(spec, cap);
  CHECK(r.timed_out);
  CHECK(r.exit_code == 3);
  CHECK(r.signal == 0);
  CHECK(cap.out.find("got-int\n") != std::string::npos);
  CHECK(r.duration < 1500ms);  // not the 2 s of interrupt_grace
  CHECK(processes_with(marker) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: SIGTERM follows SIGINT after interrupt_grace", "[process][stop]") {
  Captured cap;
  auto spec = bash("trap 'echo int' INT; trap 'echo term; exit 4' TERM; while :; do sleep 0.02; done");
  spec.timeout = 200ms;
  spec.stop.interrupt_grace = 300ms;
  spec.stop.terminate_grace = 2000ms;
  auto r = run(spec, cap);
  CHECK(r.timed_out);
  CHECK(r.exit_code == 4);
  CHECK(cap.out.rfind("int\n", 0) == 0);
  CHECK(cap.out.find("term\n") != std::string::npos);
  CHECK(r.duration >= 480ms);
  CHECK(r.duration < 1500ms);
}

TEST_CASE("process runner: a script ignoring INT and TERM is killed after both graces", "[process][stop]") {
  const auto marker = unique_marker();
  Captured cap;
  auto spec = bash("trap '' INT TERM; echo $$; sleep " + marker);
  spec.timeout = 200ms;
  auto r = run(spec, cap);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(r.duration >= 580ms);  // 200 ms timeout + 200 ms + 200 ms
  CHECK(r.duration < 1500ms);
  CHECK(processes_with(marker) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: a stopped process is continued to see SIGINT", "[process][stop]") {
  auto spec = bash("kill -STOP $$; sleep 100");
  spec.timeout = 200ms;
  auto r = run(spec);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGINT);  // not SIGKILL after both graces
  CHECK(r.duration < 400ms);
}

TEST_CASE("process runner: cancellation from another thread stops the process", "[process][stop]") {
  const auto marker = unique_marker();
  std::atomic<SteadyClock::rep> cancelled_at{0};
  CancelToken cancel;
  Captured cap;
  std::thread canceller([&] {
    // At least 250 ms in, and once the script is in `wait` (its sleep exists
    // beside bash -c, so $$ was printed): slow machines get there later.
    const auto begun = SteadyClock::now();
    std::this_thread::sleep_for(250ms);
    while (processes_with(marker) < 2 && SteadyClock::now() < begun + 5s) std::this_thread::sleep_for(10ms);
    cancelled_at = SteadyClock::now().time_since_epoch().count();
    cancel.cancel();
  });
  auto r = run(bash("echo $$; sleep " + marker + " & wait"), cap, cancel);
  const auto returned = SteadyClock::now();
  canceller.join();
  // run() returns promptly once cancelled: SIGINT ends bash's wait at once.
  CHECK(returned - SteadyClock::time_point(SteadyClock::duration(cancelled_at.load())) < 1250ms);
  CHECK(r.cancelled);
  CHECK_FALSE(r.timed_out);
  CHECK_FALSE(r.success());
  CHECK(r.duration >= 240ms);
  CHECK(processes_with(marker) == 0);
  REQUIRE_FALSE(cap.out.empty());
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: a token cancelled before run() starts nothing", "[process][stop]") {
  TempDir dir;
  CancelToken cancel;
  cancel.cancel();
  Captured cap;
  auto r = run(command({"touch", (dir.path / "ran").string()}), cap, cancel);
  CHECK_FALSE(r.started);
  CHECK(r.cancelled);
  CHECK_FALSE(std::filesystem::exists(dir.path / "ran"));
}

// --- no survivors --------------------------------------------------------------

TEST_CASE("process runner: background children do not survive a normal exit", "[process][survivors]") {
  const auto a = unique_marker(), b = unique_marker(), c = unique_marker();
  Captured cap;
  // `sleep a &` keeps stdout open; nohup keeps the group; the subshell orphans `sleep c`.
  auto r = run(bash("echo $$; sleep " + a + " & nohup sleep " + b + " 2>/dev/null & (sleep " + c +
                    " &); echo main-done"),
               cap);
  CHECK(r.success());
  CHECK(cap.out.find("main-done\n") != std::string::npos);
  CHECK(r.duration < 1500ms);
  CHECK(processes_with(a) == 0);
  CHECK(processes_with(b) == 0);
  CHECK(processes_with(c) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: a leftover gets SIGTERM when the main process exits", "[process][survivors]") {
  const auto marker = unique_marker();
  Captured cap;
  auto r = run(bash("echo $$; (trap 'echo leftover-got-term; exit 0' TERM; sleep " + marker +
                    " & wait) & sleep 0.1; echo main-done"),
               cap);
  CHECK(r.success());
  CHECK(cap.out.find("main-done\nleftover-got-term\n") != std::string::npos);
  CHECK(r.duration < 450ms);  // before the SIGKILL of the leftovers
  CHECK(processes_with(marker) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: a leftover that ignores TERM is killed after a short grace", "[process][survivors]") {
  const auto marker = unique_marker();
  Captured cap;
  auto r = run(bash("echo $$; (trap '' TERM; exec sleep " + marker + ") & sleep 0.1; echo main-done"), cap);
  CHECK(r.success());
  CHECK(r.duration >= 500ms);
  CHECK(r.duration < 2000ms);
  CHECK(processes_with(marker) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: background children do not survive a timeout", "[process][survivors]") {
  const auto a = unique_marker(), b = unique_marker();
  Captured cap;
  auto spec = bash("echo $$; sleep " + a + " & nohup sleep " + b + " 2>/dev/null & wait");
  spec.timeout = 300ms;
  auto r = run(spec, cap);
  CHECK(r.timed_out);
  CHECK(r.duration < 2000ms);
  CHECK(processes_with(a) == 0);
  CHECK(processes_with(b) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: background children do not survive a cancellation", "[process][survivors]") {
  const auto a = unique_marker(), b = unique_marker();
  CancelToken cancel;
  Captured cap;
  std::thread canceller([&] {
    std::this_thread::sleep_for(250ms);
    cancel.cancel();
  });
  auto r = run(bash("echo $$; sleep " + a + " & (nohup sleep " + b + " 2>/dev/null &); wait"), cap, cancel);
  canceller.join();
  CHECK(r.cancelled);
  CHECK(r.duration < 2000ms);
  CHECK(processes_with(a) == 0);
  CHECK(processes_with(b) == 0);
  CHECK(group_gone(first_line_pid(cap.out)));
}

TEST_CASE("process runner: a process that escapes the group does not hold run() on its pipe", "[process][survivors]") {
  // A known limit: setsid leaves the group, so it is not killed; but run()
  // must not wait for the EOF that it holds back.
  const auto marker = unique_marker();
  Captured cap;
  auto r = run(bash("setsid sleep " + marker + " & sleep 0.1; head -c 200000 /dev/zero | tr '\\0' x; echo; echo main-done"), cap);
  CHECK(r.success());
  CHECK(r.duration < 1000ms);
  CHECK(cap.out == std::string(200000, 'x') + "\nmain-done\n");
  CHECK(processes_with(marker) == 1);
  for (pid_t pid : pids_with(marker)) ::kill(pid, SIGKILL);
}

TEST_CASE("process runner: an exception from an output callback kills the group", "[process][survivors]") {
  const auto marker = unique_marker();
  auto spec = bash("echo $$; sleep " + marker + " & wait");
  pid_t pgid = 0;
  spec.on_stdout = [&pgid](std::string_view s) {
    pgid = static_cast<pid_t>(std::stol(std::string(s)));
    throw std::runtime_error("sink failed");
  };
  CHECK_THROWS_WITH(wf::adapters::make_process_runner()->run(spec, CancelToken{}), "sink failed");
  REQUIRE(pgid > 0);
  CHECK(processes_with(marker) == 0);
  CHECK(group_gone(pgid));
}

TEST_CASE("process runner: the direct child dies when wf is SIGKILLed", "[process][survivors]") {
  const auto marker = unique_marker();
  const pid_t wf = ::fork();
  REQUIRE(wf >= 0);
  if (wf == 0) {  // a stand-in for wf
    wf::adapters::make_process_runner()->run(command({"sleep", marker}), CancelToken{});
    ::_exit(0);
  }
  const auto deadline = SteadyClock::now() + 2s;
  while (processes_with(marker) == 0 && SteadyClock::now() < deadline) std::this_thread::sleep_for(10ms);
  REQUIRE(processes_with(marker) == 1);
  ::kill(wf, SIGKILL);
  ::waitpid(wf, nullptr, 0);
  while (processes_with(marker) != 0 && SteadyClock::now() < deadline + 1s) std::this_thread::sleep_for(10ms);
  CHECK(processes_with(marker) == 0);
}

// --- concurrency ---------------------------------------------------------------

TEST_CASE("process runner: run() calls on several threads are independent", "[process][threads]") {
  constexpr int kThreads = 8;
  std::vector<ProcessResult> results(kThreads);
  std::vector<Captured> outputs(kThreads);
  std::vector<std::string> markers;
  for (int i = 0; i < kThreads; ++i) markers.push_back(unique_marker());
  CancelToken cancel_odd;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      const auto n = std::to_string(i);
      if (i % 2 == 0) {
        results[i] = run(bash("echo start" + n + "; sleep " + markers[i] + " & sleep 0.3; echo done" + n + "; exit " + n),
                         outputs[i]);
      } else {
        results[i] = run(bash("echo start" + n + "; sleep " + markers[i] + " & wait"), outputs[i], cancel_odd);
      }
    });
  }
  // Cancel once every odd script is in `wait` (its sleep exists beside bash -c, so its
  // "start" line was written), not after a fixed delay that load can outlast.
  const auto started_by = SteadyClock::now() + 5s;
  for (int i = 1; i < kThreads; i += 2)
    while (processes_with(markers[i]) < 2 && SteadyClock::now() < started_by) std::this_thread::sleep_for(10ms);
  const auto cancelled_at = SteadyClock::now();
  cancel_odd.cancel();
  for (auto& t : threads) t.join();
  CHECK(ms_since(cancelled_at) < 2000ms);
  for (int i = 0; i < kThreads; ++i) {
    INFO("thread " << i);
    const auto n = std::to_string(i);
    CHECK(results[i].started);
    CHECK(processes_with(markers[i]) == 0);
    if (i % 2 == 0) {
      CHECK(outputs[i].out == "start" + n + "\ndone" + n + "\n");
      CHECK(results[i].exit_code == i);
      CHECK_FALSE(results[i].cancelled);
    } else {
      CHECK(outputs[i].out == "start" + n + "\n");
      CHECK(results[i].cancelled);
    }
  }
}
