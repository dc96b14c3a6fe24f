#include "runner/status/format.h"

#include <catch2/catch.hpp>

#include "tests/runner/status/capture.h"

namespace wf::status {
namespace {

using core::Millis;
using exec::Outcome;

TEST_CASE("format: durations read like 850ms, 3.2s, 1m05s and 1h02m", "[status]") {
  CHECK(format_elapsed(Millis(0)) == "0ms");
  CHECK(format_elapsed(Millis(850)) == "850ms");
  CHECK(format_elapsed(Millis(1000)) == "1.0s");
  CHECK(format_elapsed(Millis(3249)) == "3.2s");
  CHECK(format_elapsed(Millis(3250)) == "3.3s");
  CHECK(format_elapsed(Millis(59960)) == "1m00s");
  CHECK(format_elapsed(Millis(65000)) == "1m05s");
  CHECK(format_elapsed(Millis(3720000)) == "1h02m");
  CHECK(format_elapsed(Millis(-5)) == "0ms");
}

TEST_CASE("format: the status line counts whole seconds", "[status]") {
  CHECK(format_seconds(Millis(999)) == "0s");
  CHECK(format_seconds(Millis(3999)) == "3s");
  CHECK(format_seconds(Millis(65000)) == "1m05s");
  CHECK(format_seconds(Millis(7200000)) == "2h00m");
}

TEST_CASE("format: a file is shell-quoted only when it needs it", "[status]") {
  CHECK(shell_quote("workflows/deploy.yaml") == "workflows/deploy.yaml");
  CHECK(shell_quote("my flows/it's.yaml") == "'my flows/it'\\''s.yaml'");
  CHECK(shell_quote("") == "''");
}

TEST_CASE("format: step output loses escape codes and what a carriage return overwrote",
          "[status]") {
  CHECK(clean_line("\033[31mred\033[0m text", false) == "red text");
  CHECK(clean_line("\033[31mred\033[0m", true) == "\033[31mred\033[0m\033[0m");
  CHECK(clean_line("\033[2Jcleared", true) == "cleared");
  CHECK(clean_line("\033]0;title\atext", false) == "text");
  CHECK(clean_line("10%\r50%\r100%", false) == "100%");
  CHECK(clean_line("done\r", false) == "done");
  CHECK(clean_line("a\tb\x01"
                   "c",
                   false) == "a\tb?c");
}

TEST_CASE("format: a step's end says how it ended and why", "[status]") {
  auto success = test::step_end("compile", Outcome::kSuccess, 2);
  CHECK(step_finished_text(success, std::nullopt) == "success in 1.2s (2 attempts)");

  auto failure = test::step_end("slow", Outcome::kFailure, 1, Millis(2000));
  failure.reason = "timed out after 2s";
  LastFailure last{core::FailureClass::kTimeout, "timed out after 2s"};
  CHECK(step_finished_text(failure, last) == "failure (timeout) in 2.0s");
  failure.reason = "a different reason";
  CHECK(step_finished_text(failure, last) == "failure (timeout) in 2.0s: a different reason");

  auto skipped = test::step_end("report", Outcome::kSkipped, 0, Millis(0));
  skipped.reason = "needs failed: compile";
  CHECK(step_finished_text(skipped, std::nullopt) == "skipped: needs failed: compile");

  auto cancelled = test::step_end("x", Outcome::kCancelled, 1, Millis(0));
  CHECK(step_finished_text(cancelled, std::nullopt) == "cancelled");
}

TEST_CASE("format: the run's table has a row per step, aligned", "[status]") {
  auto skipped = test::step_end("report", Outcome::kSkipped, 0, Millis(0));
  skipped.reason = "needs failed";
  std::string table = summary_table(
      {test::step_end("compile", Outcome::kSuccess),
       test::step_end("upload-artifacts", Outcome::kFailure, 3, Millis(65000)), skipped});
  CHECK(table ==
        "  step              outcome  attempts  duration  note\n"
        "  compile           success         1      1.2s\n"
        "  upload-artifacts  failure         3     1m05s\n"
        "  report            skipped         0         -  needs failed\n");
}

TEST_CASE("format: the table shows steps' names when any step has one", "[status]") {
  auto named = test::step_end("tf-apply", Outcome::kSuccess);
  named.step_name = "Create the cluster";
  std::string table = summary_table({named, test::step_end("report", Outcome::kSuccess)});
  CHECK(table ==
        "  step      name                outcome  attempts  duration  note\n"
        "  tf-apply  Create the cluster  success         1      1.2s\n"
        "  report                        success         1      1.2s\n");
}

TEST_CASE("format: a failed run says how to resume it", "[status]") {
  auto end = test::run_end({}, false);
  CHECK(run_finished_text(end, "deploy", "deploy.yaml") ==
        "wf: deploy failed in 3.2s (run 20261122-213501-4f2a)\n"
        "resume with: wf run deploy.yaml --resume\n");
  end.ok = true;
  CHECK(run_finished_text(end, "deploy", "deploy.yaml") ==
        "wf: deploy succeeded in 3.2s (run 20261122-213501-4f2a)\n");
  end.ok = false;
  end.cancelled = true;
  end.exit_code = 130;
  CHECK(run_verdict(end) == "interrupted");
}

}  // namespace
}  // namespace wf::status
