#pragma once
// The printer for people: step-prefixed log lines, and on a terminal a live
// status line of the running steps below them (DESIGN §2 "Output").

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runner/exec/observer.h"
#include "runner/status/format.h"

namespace wf::status {

/// Prints a run as `[step-id] text` lines, one per event, and a summary table
/// at the end:
///
///     wf: run 20261122-213501-4f2a of deploy (3 steps), state in .wf/runs/...
///     [compile] started (run)
///     [compile] gcc -c main.c
///     [upload] attempt 1/3 failed (transient): exit code 1; retrying in 1.2s
///     [compile] ✓ success in 1.2s
///     [report] – skipped: a needed step failed
///
/// With `tty`, a status line sits below the log: `⠋ 1m05s │ 2 running:
/// compile 3s, upload: retry 2 in 4s │ 3/7 done, 2 to come` (the run's
/// elapsed time, each running step's, a step waiting to retry, and the
/// steps not started yet). Before each log line it is erased (`\r\033[K`) and
/// drawn again after it; a ticker thread redraws it every `refresh` from
/// run_started until run_finished (or destruction), so elapsed times move.
/// It is cut to the terminal's width so it never wraps. Without `tty`
/// nothing is ever redrawn and, unless `color`, no escape code is printed:
/// a tool's own color codes are stripped from its lines too.
///
/// Thread-safety: observer calls may come from any thread (one at a time, as
/// the executor makes them); every write to `out` is under one mutex shared
/// with the ticker. `out` is borrowed and must outlive the printer.
class ConsolePrinter final : public exec::RunObserver {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    bool tty = false;                        // draw the live status line
    bool color = false;                      // green ✓, red ✗, dim skipped, bold ids
    std::chrono::milliseconds refresh{200};  // how often the ticker redraws
    std::function<Clock::time_point()> now;  // for tests; steady_clock::now when empty
    int columns = 0;                         // status line width; 0: ask the terminal (else 80)
  };

  ConsolePrinter(std::FILE* out, Options options);
  ~ConsolePrinter() override;
  ConsolePrinter(const ConsolePrinter&) = delete;
  ConsolePrinter& operator=(const ConsolePrinter&) = delete;

  void run_started(const exec::RunStart& start) override;
  void attempt_started(const exec::AttemptStart& start) override;
  void step_line(std::string_view step_id, step_api::StepLog::Stream stream,
                 std::string_view text) override;
  void attempt_finished(const exec::AttemptEnd& end) override;
  void step_finished(const exec::StepEnd& end) override;
  void run_finished(const exec::RunEnd& end) override;

  /// The status line as it would be drawn now, without escape codes or
  /// width limit; empty when no step is running. For tests.
  std::string status_text();

 private:
  struct Running {
    std::string step_id;
    Clock::time_point started;  // of the step's first attempt
    int attempt = 1;
    int max_attempts = 1;
    std::optional<Clock::time_point> retry_at;  // waiting for the next attempt
  };

  Clock::time_point now() const;
  std::string prefix(std::string_view step_id) const;
  std::string paint(std::string_view text, const char* sgr) const;
  /// Prints `lines` (each without '\n') under the status line. Locks.
  void print(const std::vector<std::string>& lines);
  void print_locked(const std::vector<std::string>& lines);
  /// Lines already joined by '\n' (no final one).
  void print_block_locked(std::string_view block);
  std::string status_locked(size_t max_width) const;
  void draw_status_locked();
  void clear_status_locked();
  void start_ticker();
  void stop_ticker();
  size_t columns() const;

  std::FILE* out_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::thread ticker_;
  bool stop_ = false;                            // guarded by mu_
  bool status_shown_ = false;                    // guarded by mu_
  size_t frame_ = 0;                             // spinner frame; guarded by mu_
  std::vector<Running> running_;                 // in start order; guarded by mu_
  std::map<std::string, LastFailure> failures_;  // last failed attempt per step
  size_t done_ = 0;
  size_t total_ = 0;
  std::optional<Clock::time_point> run_started_;  // for the run's elapsed time
  std::string workflow_;
  std::string file_;
};

}  // namespace wf::status
