#pragma once
// Running a command (usually the wf binary) from a test and capturing what it
// printed. Test-only: no timeouts beyond `timeout`, no shell.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wf::test {

struct CommandResult {
  int exit_code = -1;   // 128+N when killed by signal N
  std::string out;
  std::string err;
};

/// Runs argv (argv[0] looked up in PATH) in `cwd` with extra environment
/// variables, waits for it, and returns its exit code and output. Kills it
/// after `timeout_s` seconds (exit_code 128+9 then).
CommandResult run_command(const std::vector<std::string>& argv, const std::string& cwd = "",
                          const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

/// run_command with WF_BINARY as argv[0].
CommandResult run_wf(const std::vector<std::string>& args, const std::string& cwd = "",
                     const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

/// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `content` to path()/name (creating parent directories); returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

/// The whole content of a file ("" if unreadable).
std::string read_file(const std::string& path);

/// A process started in the background (usually wf), its stdout and stderr
/// going to files so a test can signal it while it runs and read what it has
/// printed so far. The destructor SIGKILLs it (and its group, when it has
/// its own) if it is still running, and reaps it.
class Background {
 public:
  struct Options {
    std::string cwd;
    std::map<std::string, std::string> env;
    /// Its own process group (setpgid), as a shell's foreground job; false:
    /// it stays in the test's group, so only kill(pid) may be used.
    bool own_group = true;
  };
  /// Starts argv (argv[0] looked up in PATH) with SIGINT/SIGTERM at their
  /// default dispositions and nothing blocked, whatever the test inherited.
  Background(const std::vector<std::string>& argv, const Options& options);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  int pid() const { return pid_; }
  /// kill(pid, sig).
  void signal(int sig) const;
  /// kill(-pgid, sig): the whole group (requires own_group).
  void signal_group(int sig) const;
  /// Waits up to timeout_s for it to end; its exit code (128+N when killed
  /// by signal N), or -1 if it is still running.
  int wait(double timeout_s);
  /// Whether it is still running (reaps it if it has ended).
  bool running();
  /// What it printed so far.
  std::string out() const;
  std::string err() const;
  /// Waits up to timeout_s until its stdout contains `text`.
  bool wait_for_out(const std::string& text, double timeout_s) const;

 private:
  TempDir files_;
  int pid_ = -1;
  bool own_group_ = true;
  int exit_code_ = -1;
  bool reaped_ = false;
};

/// run_wf as on a developer's machine, whatever runs the tests: without
/// GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and
/// KUBERNETES_SERVICE_HOST, which make `wf run` print for GitHub and fit its
/// stop grace to the host.
CommandResult run_wf_local(const std::vector<std::string>& args, const std::string& cwd = "",
                           const std::map<std::string, std::string>& env = {}, int timeout_s = 60);

/// A Background wf (WF_BINARY), as on a developer's machine (see run_wf_local).
std::unique_ptr<Background> start_wf(const std::vector<std::string>& args, const Background::Options& options);

/// Waits up to timeout_s until `path` exists.
bool wait_for_file(const std::string& path, double timeout_s);

/// A string of digits unique to this test process and call, to tag the
/// processes a test starts (e.g. `sleep 1000.<marker>`: sleep takes the
/// digits as a fraction) so that they can be found in /proc.
std::string unique_marker();

/// Pids of the live (non-zombie) processes whose /proc/<pid>/cmdline
/// contains `marker`, this process excluded.
std::vector<int> pids_with_marker(const std::string& marker);

/// Polls /proc for up to timeout_s until no process carries `marker`;
/// returns the ones still there (empty: none survived).
std::vector<int> wait_until_no_marker(const std::string& marker, double timeout_s);

/// SIGKILLs every process carrying `marker`, until none is left (up to 2 s);
/// returns how many were killed.
int kill_marked(const std::string& marker);

/// Kills every process carrying the marker when the scope ends, so a test
/// that fails half-way leaves nothing behind.
class MarkerSweeper {
 public:
  explicit MarkerSweeper(std::string marker) : marker_(std::move(marker)) {}
  ~MarkerSweeper() { kill_marked(marker_); }
  MarkerSweeper(const MarkerSweeper&) = delete;
  MarkerSweeper& operator=(const MarkerSweeper&) = delete;

 private:
  std::string marker_;
};

/// The run directories under state_dir/runs, oldest first (by journal
/// start time when there is one, then by name).
std::vector<std::string> run_dirs(const std::string& state_dir);

/// Every regular file under `dir`, recursively (full paths, sorted).
std::vector<std::string> files_under(const std::string& dir);

/// `text` split at '\n' (a last line without '\n' included; no empty last element).
std::vector<std::string> split_lines(const std::string& text);

/// Seconds elapsed since `start` (a steady_clock reading).
double seconds_since(std::chrono::steady_clock::time_point start);

}  // namespace wf::test
