#include "runner/status/console_printer.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "tests/runner/status/capture.h"

namespace wf::status {
namespace {

using exec::Outcome;
using step_api::StepLog;
using namespace std::chrono_literals;
using Clock = ConsolePrinter::Clock;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A clock tests move by hand (read by the ticker thread too).
struct FakeClock {
  std::atomic<Clock::time_point> t{Clock::time_point(1000h)};
  void advance(core::Millis d) { t = t.load() + d; }
  std::function<Clock::time_point()> fn() {
    return [this] { return t.load(); };
  }
};

// compile succeeds, upload fails once then for good, report is skipped.
void script_failed_run(ConsolePrinter& printer, FakeClock& clock) {
  printer.run_started(test::run_start(3));
  printer.attempt_started(test::attempt_start("compile"));
  printer.attempt_started(test::attempt_start("upload", 1, 2));
  printer.step_line("compile", StepLog::Stream::kStdout, "gcc -c main.c");
  printer.step_line("upload", StepLog::Stream::kStderr, "\033[31mconnection reset\033[0m");
  clock.advance(1200ms);
  auto retry = test::attempt_end("upload", false);
  retry.retry_in = core::Millis(1200);
  printer.attempt_finished(retry);
  printer.attempt_finished(test::attempt_end("compile", true));
  printer.step_finished(test::step_end("compile", Outcome::kSuccess));
  printer.attempt_started(test::attempt_start("upload", 2, 2));
  auto failed = test::attempt_end("upload", false, 2);
  failed.failure_class = core::FailureClass::kTimeout;
  failed.summary = "timed out after 2s";
  printer.attempt_finished(failed);
  auto upload = test::step_end("upload", Outcome::kFailure, 2, core::Millis(4400));
  upload.reason = "timed out after 2s";
  printer.step_finished(upload);
  auto report = test::step_end("report", Outcome::kSkipped, 0, core::Millis(0));
  report.reason = "needs failed: upload";
  printer.step_finished(report);
  printer.run_finished(
      test::run_end({test::step_end("compile", Outcome::kSuccess), upload, report}, false));
}

TEST_CASE("console: without a terminal, plain prefixed lines and no escape codes", "[status]") {
  test::Capture out;
  FakeClock clock;
  {
    ConsolePrinter printer(out.file, {.tty = false, .color = false, .now = clock.fn()});
    script_failed_run(printer, clock);
  }
  std::string text = out.text();
  CHECK_FALSE(contains(text, "\033"));
  CHECK_FALSE(contains(text, "\r"));
  CHECK(text.starts_with(
      "wf: run 20261122-213501-4f2a of deploy (3 steps), state in .wf/runs/20261122-213501-4f2a\n"
      "[compile] started (run)\n"
      "[upload] started (run)\n"
      "[compile] gcc -c main.c\n"
      "[upload] connection reset\n"
      "[upload] attempt 1/2 failed (transient): exit code 1; retrying in 1.2s\n"
      "[compile] ✓ success in 1.2s\n"
      "[upload] attempt 2/2 started (run)\n"
      "[upload] attempt 2/2 failed (timeout): timed out after 2s\n"
      "[upload] ✗ failure (timeout) in 4.4s after 2 attempts\n"
      "[report] – skipped: needs failed: upload\n"
      "\n"));
  CHECK(contains(text, "  compile  success         1      1.2s\n"));
  CHECK(contains(text, "  upload   failure         2      4.4s  timed out after 2s\n"));
  CHECK(contains(text, "  report   skipped         0         -  needs failed: upload\n"));
  CHECK(
      text.ends_with("wf: deploy failed in 3.2s (run 20261122-213501-4f2a)\n"
                     "resume with: wf run workflows/deploy.yaml --resume\n"));
}

TEST_CASE("console: on a terminal, a status line of running steps under the log", "[status]") {
  test::Capture out;
  FakeClock clock;
  ConsolePrinter printer(
      out.file, {.tty = true, .color = false, .refresh = 1h, .now = clock.fn(), .columns = 200});
  printer.run_started(test::run_start(7));
  printer.attempt_started(test::attempt_start("compile"));
  clock.advance(2s);
  printer.attempt_started(test::attempt_start("lint"));
  clock.advance(1500ms);
  printer.step_line("compile", StepLog::Stream::kStdout, "hello");

  std::string status = "⠋ 3s │ 2 running: compile 3s, lint 1s │ 0/7 done, 5 to come";
  CHECK(printer.status_text() == status);
  std::string text = out.text();
  CHECK(text.ends_with("\r\033[K[compile] hello\n\r\033[K" + status));

  printer.attempt_finished(test::attempt_end("compile", true));
  printer.step_finished(test::step_end("compile", Outcome::kSuccess));
  CHECK(out.text().ends_with(
      "\r\033[K[compile] ✓ success in 1.2s\n\r\033[K⠋ 3s │ 1 running: lint 1s │ 1/7 done, 5 to come"));

  printer.attempt_finished(test::attempt_end("lint", true));
  printer.step_finished(test::step_end("lint", Outcome::kSuccess));
  CHECK(printer.status_text().empty());
  CHECK(out.text().ends_with("\r\033[K[lint] ✓ success in 1.2s\n"));

  printer.run_finished(test::run_end(
      {test::step_end("compile", Outcome::kSuccess), test::step_end("lint", Outcome::kSuccess)},
      true));
  text = out.text();
  CHECK(text.ends_with("wf: deploy succeeded in 3.2s (run 20261122-213501-4f2a)\n"));
  CHECK_FALSE(contains(text, "resume with"));
}

TEST_CASE("console: a step waiting to retry shows when its next attempt starts", "[status]") {
  test::Capture out;
  FakeClock clock;
  ConsolePrinter printer(
      out.file, {.tty = true, .color = false, .refresh = 1h, .now = clock.fn(), .columns = 200});
  printer.run_started(test::run_start(1));
  printer.attempt_started(test::attempt_start("upload", 1, 3));
  clock.advance(1s);
  auto failed = test::attempt_end("upload", false);
  failed.retry_in = core::Millis(2000);
  printer.attempt_finished(failed);
  CHECK(printer.status_text() == "⠋ 1s │ 1 running: upload: retry 2 in 2s │ 0/1 done");
  clock.advance(2s);
  printer.attempt_started(test::attempt_start("upload", 2, 3));
  clock.advance(1s);
  CHECK(printer.status_text() == "⠋ 4s │ 1 running: upload 4s (2/3) │ 0/1 done");
}

TEST_CASE("console: the status line is cut to the terminal's width", "[status]") {
  test::Capture out;
  FakeClock clock;
  ConsolePrinter printer(
      out.file, {.tty = true, .color = false, .refresh = 1h, .now = clock.fn(), .columns = 72});
  printer.run_started(test::run_start(12));
  for (const char* id : {"terraform-apply", "docker-build", "helm-template", "kubectl-apply"}) {
    printer.attempt_started(test::attempt_start(id));
  }
  std::string text = out.text();
  std::string last = text.substr(text.rfind("\r\033[K") + 4);
  CHECK(last == "⠋ 0s │ 4 running: terraform-apply 0s, +3 more │ 0/12 done, 8 to come");
  CHECK(display_width(last) <= 71);
}

TEST_CASE("console: colors only when asked", "[status]") {
  test::Capture out;
  FakeClock clock;
  {
    ConsolePrinter printer(
        out.file, {.tty = true, .color = true, .refresh = 1h, .now = clock.fn(), .columns = 100});
    script_failed_run(printer, clock);
  }
  std::string text = out.text();
  CHECK(contains(text, "\033[1m[compile]\033[0m gcc -c main.c"));
  CHECK(contains(text, "\033[32m✓ success in 1.2s\033[0m"));
  CHECK(contains(text, "\033[31m✗ failure (timeout)"));
  CHECK(contains(text, "\033[2m– skipped: needs failed: upload\033[0m"));
  CHECK(contains(text, "\033[31mconnection reset\033[0m\033[0m"));
}

TEST_CASE("console: the ticker redraws the status line while steps run", "[status]") {
  test::Capture out;
  ConsolePrinter printer(out.file,
                         {.tty = true, .color = false, .refresh = 5ms, .now = {}, .columns = 100});
  printer.run_started(test::run_start(1));
  printer.attempt_started(test::attempt_start("compile"));
  auto deadline = Clock::now() + 5s;
  while (!contains(out.text(), "⠙") && Clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  CHECK(contains(out.text(), "⠙"));
  CHECK(contains(out.text(), "1 running: compile"));
  printer.attempt_finished(test::attempt_end("compile", true));
  printer.step_finished(test::step_end("compile", Outcome::kSuccess));
  printer.run_finished(test::run_end({test::step_end("compile", Outcome::kSuccess)}, true));
  // Stopped: nothing is drawn after the summary.
  std::string text = out.text();
  std::this_thread::sleep_for(30ms);
  CHECK(out.text() == text);
  CHECK(text.ends_with("(run 20261122-213501-4f2a)\n"));
}

TEST_CASE("console: destroying the printer mid-run erases the status line", "[status]") {
  test::Capture out;
  FakeClock clock;
  {
    ConsolePrinter printer(
        out.file, {.tty = true, .color = false, .refresh = 1h, .now = clock.fn(), .columns = 100});
    printer.run_started(test::run_start(1));
    printer.attempt_started(test::attempt_start("compile"));
    CHECK(out.text().ends_with("\r\033[K⠋ 0s │ 1 running: compile 0s │ 0/1 done"));
  }
  CHECK(out.text().ends_with("│ 0/1 done\r\033[K"));
}

}  // namespace
}  // namespace wf::status
