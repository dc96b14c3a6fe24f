// wf run: when steps start (the critical path, -j), what a failure does to the
// steps not started yet (fail-fast, --keep-going, continue-on-error), and if:
// with the status functions. Real bash and sleep, through the wf binary.

#include <algorithm>
#include <filesystem>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;


/// Index of the first journal event `event` about `step`, or -1.
int event_index(const std::vector<json>& journal, const std::string& event, const std::string& step) {
  for (size_t i = 0; i < journal.size(); ++i)
    if (journal[i].is_object() && journal[i].value("event", "") == event && journal[i].value("step", "") == step)
      return static_cast<int>(i);
  return -1;
}

/// The most steps that were running at once, from the journal's order of
/// attempt_started and step_finished events.
int max_concurrency(const std::vector<json>& journal) {
  int running = 0, most = 0;
  std::set<std::string> started;
  for (const auto& e : journal) {
    if (!e.is_object()) continue;
    std::string ev = e.value("event", "");
    if (ev == "attempt_started" && started.insert(e.value("step", "")).second) most = std::max(most, ++running);
    if (ev == "step_finished" && started.count(e.value("step", ""))) --running;
  }
  return most;
}

double duration_s(const json& step) { return step.value("duration_ms", -1.0) / 1000.0; }

constexpr const char* kFailFast = R"yaml(name: failfast
steps:
  bad:
    run: |
      echo "bad fails"
      exit 3
  slow:
    run: |
      sleep 0.5
      echo slow-done
  after-slow:
    needs: [slow]
    run: echo after-slow-ran
  after-bad:
    needs: [bad]
    run: echo after-bad-ran
)yaml";

}  // namespace

TEST_CASE("run: a step starts when its needs are done, not when its wave is (critical path)", "[e2e][run][schedule]") {
  TempDir dir;
  // Waves would be {a, c} then {b}: 2 s + 1 s. The critical path is 2 s.
  dir.write("wf.yaml", R"yaml(name: dag
steps:
  a:
    run: sleep 1
  b:
    needs: [a]
    run: sleep 1
  c:
    run: sleep 2
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "-j", "4"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(w.seconds > 1.9);
  // Waves would take 3 s; the bounds leave room for a loaded machine. The
  // journal's order below is the exact check.
  CHECK(w.seconds < 2.95);
  REQUIRE(w.report.is_object());
  CHECK(w.report.value("duration_ms", 0.0) >= 1900);
  CHECK(w.report.value("duration_ms", 0.0) < 2900);
  CHECK(duration_s(step_of(w.report, "a")) == Approx(1.0).margin(0.4));
  CHECK(duration_s(step_of(w.report, "b")) == Approx(1.0).margin(0.4));
  CHECK(duration_s(step_of(w.report, "c")) == Approx(2.0).margin(0.4));
  // b started while c was still running; a and c ran together.
  int b_started = event_index(w.journal, "attempt_started", "b");
  int c_finished = event_index(w.journal, "step_finished", "c");
  REQUIRE(b_started >= 0);
  REQUIRE(c_finished >= 0);
  CHECK(b_started < c_finished);
  CHECK(event_index(w.journal, "attempt_started", "c") < event_index(w.journal, "step_finished", "a"));
}

TEST_CASE("run: -j bounds how many steps run at once", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: jobs
steps:
  s1: { run: sleep 0.3 }
  s2: { run: sleep 0.3 }
  s3: { run: sleep 0.3 }
  s4: { run: sleep 0.3 }
)yaml");
  auto two = wf_run(dir, {"run", "wf.yaml", "-j", "2"});
  INFO(two.all());
  REQUIRE(two.r.exit_code == 0);
  CHECK(max_concurrency(two.journal) == 2);
  CHECK(two.seconds > 0.55);  // two at a time: 0.6 s (the journal's overlap above is the exact check)

  auto one = wf_run(dir, {"run", "wf.yaml", "-j", "1"});
  INFO(one.all());
  REQUIRE(one.r.exit_code == 0);
  CHECK(max_concurrency(one.journal) == 1);
  CHECK(one.seconds > 1.15);

  auto bad = wf_run(dir, {"run", "wf.yaml", "-j", "0"});
  CHECK(bad.r.exit_code == 2);
}

TEST_CASE("run: fail-fast lets running steps finish and starts nothing new", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", kFailFast);
  auto w = wf_run(dir, {"run", "wf.yaml", "-j", "4"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  REQUIRE(w.report.is_object());
  CHECK(w.report["ok"] == false);
  CHECK(w.report["exit_code"] == 1);
  json bad = step_of(w.report, "bad");
  CHECK(bad["outcome"] == "failure");
  CHECK_THAT(bad["attempts"][0].value("summary", ""), Contains("exit code 3"));
  // slow was running when bad failed: it finishes.
  CHECK(step_of(w.report, "slow")["outcome"] == "success");
  CHECK_THAT(w.r.out, Contains("[slow] slow-done"));
  // after-slow's need succeeded, but it would start after the failure.
  json after_slow = step_of(w.report, "after-slow");
  CHECK(after_slow["outcome"] == "skipped");
  CHECK_THAT(after_slow.value("reason", ""), Contains("'bad' failed"));
  CHECK(after_slow["attempts"].empty());
  json after_bad = step_of(w.report, "after-bad");
  CHECK(after_bad["outcome"] == "skipped");
  CHECK_FALSE(after_bad.value("reason", "").empty());
  CHECK(w.r.out.find("after-slow-ran") == std::string::npos);
  CHECK(w.r.out.find("after-bad-ran") == std::string::npos);
  // The journal says the same.
  int i = event_index(w.journal, "step_finished", "after-slow");
  REQUIRE(i >= 0);
  CHECK(w.journal[i]["outcome"] == "skipped");
  CHECK_THAT(w.journal[i].value("reason", ""), Contains("'bad' failed"));
  CHECK(event_index(w.journal, "attempt_started", "after-slow") == -1);
  CHECK_THAT(w.r.out, Contains("wf run wf.yaml --resume"));
}

TEST_CASE("run: --keep-going runs every step that does not depend on the failure", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", kFailFast);
  auto w = wf_run(dir, {"run", "wf.yaml", "-j", "4", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_of(w.report, "after-slow")["outcome"] == "success");
  CHECK_THAT(w.r.out, Contains("[after-slow] after-slow-ran"));
  json after_bad = step_of(w.report, "after-bad");
  CHECK(after_bad["outcome"] == "skipped");
  CHECK_THAT(after_bad.value("reason", ""), Contains("needs 'bad'"));
  CHECK(w.r.out.find("after-bad-ran") == std::string::npos);
}

TEST_CASE("run: continue-on-error keeps the run going and green", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: coe
steps:
  flaky-check:
    continue-on-error: true
    run: exit 5
  next:
    needs: [flaky-check]
    run: echo "check ended ${{ steps.flaky-check.outcome }}, conclusion ${{ steps.flaky-check.conclusion }}"
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 0);
  CHECK(w.report["ok"] == true);
  json check = step_of(w.report, "flaky-check");
  CHECK(check["outcome"] == "failure");
  CHECK(check["continue_on_error"] == true);
  CHECK(step_of(w.report, "next")["outcome"] == "success");
  CHECK_THAT(w.r.out, Contains("[next] check ended failure, conclusion success"));
}

TEST_CASE("run: if: with success(), failure(), always(), cancelled() and a plain condition", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: conditions
inputs:
  extra: { type: boolean, default: false }
steps:
  ok:
    run: echo ok
  bad:
    needs: [ok]
    run: exit 1
  on-success:
    needs: [bad]
    if: success()
    run: echo on-success-ran
  on-failure:
    needs: [bad]
    if: failure()
    run: echo "on-failure-ran after ${{ steps.bad.outcome }}"
  on-always:
    needs: [bad]
    if: ${{ always() }}
    run: echo on-always-ran
  on-cancelled:
    needs: [bad]
    if: cancelled()
    run: echo on-cancelled-ran
  default-if:
    needs: [bad]
    run: echo default-if-ran
  no-failure-here:
    needs: [ok]
    if: failure()
    run: echo no-failure-here-ran
  optional:
    if: inputs.extra
    run: echo optional-ran
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  auto outcome = [&](const std::string& id) { return step_of(w.report, id).value("outcome", "?"); };
  auto reason = [&](const std::string& id) { return step_of(w.report, id).value("reason", ""); };
  CHECK(outcome("ok") == "success");
  CHECK(outcome("bad") == "failure");
  CHECK(outcome("on-success") == "skipped");
  CHECK_THAT(reason("on-success"), Contains("is false"));
  CHECK(outcome("on-failure") == "success");
  CHECK_THAT(w.r.out, Contains("[on-failure] on-failure-ran after failure"));
  CHECK(outcome("on-always") == "success");
  CHECK_THAT(w.r.out, Contains("[on-always] on-always-ran"));
  CHECK(outcome("on-cancelled") == "skipped");
  CHECK_THAT(reason("on-cancelled"), Contains("cancelled()"));
  CHECK(outcome("default-if") == "skipped");
  CHECK_THAT(reason("default-if"), Contains("bad"));
  CHECK(outcome("no-failure-here") == "skipped");
  CHECK(outcome("optional") == "skipped");
  CHECK_THAT(reason("optional"), Contains("inputs.extra"));
  for (const char* never : {"on-success-ran", "on-cancelled-ran", "default-if-ran", "no-failure-here-ran", "optional-ran"})
    CHECK(w.r.out.find(never) == std::string::npos);

  // The same condition, true this time; and without --keep-going the
  // failure()/always() steps still run.
  auto again = wf_run(dir, {"run", "wf.yaml", "-i", "extra=true"});
  INFO(again.all());
  CHECK(again.r.exit_code == 1);
  CHECK(step_of(again.report, "optional")["outcome"] == "success");
  CHECK(step_of(again.report, "on-failure")["outcome"] == "success");
  CHECK(step_of(again.report, "on-always")["outcome"] == "success");
}

TEST_CASE("run: --only runs the named steps and what they need", "[e2e][run][schedule]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: only
steps:
  base: { run: echo base-ran }
  mid: { needs: [base], run: echo mid-ran }
  other: { run: echo other-ran }
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--only", "mid"});
  INFO(w.all());
  CHECK(w.r.exit_code == 0);
  CHECK(step_of(w.report, "base")["outcome"] == "success");
  CHECK(step_of(w.report, "mid")["outcome"] == "success");
  CHECK(step_of(w.report, "other")["outcome"] == "skipped");
  CHECK_THAT(step_of(w.report, "other").value("reason", ""), Contains("--only"));
  CHECK(w.r.out.find("other-ran") == std::string::npos);
  // The steps left out get no line each while running; the summary lists them once.
  CHECK(w.r.out.find("[other]") == std::string::npos);
  auto typo = wf_run(dir, {"run", "wf.yaml", "--only", "mdi"});
  CHECK(typo.r.exit_code == 2);
  CHECK_THAT(typo.r.err, Contains("--only names no step 'mdi'; did you mean 'mid'?"));
}

TEST_CASE("run: errors in the file, inputs or secrets exit 2 before anything runs", "[e2e][run][usage]") {
  TempDir dir;
  dir.write("broken.yaml", "name: broken\nsteps:\n  a:\n    neds: [b]\n    run: touch ran\n");
  auto broken = wf_run(dir, {"run", "broken.yaml"});
  CHECK(broken.r.exit_code == 2);
  CHECK_THAT(broken.r.err, Contains("broken.yaml:4:5: unknown key 'neds'"));
  dir.write("wf.yaml", R"yaml(name: fine
inputs:
  count: { type: number, default: 1 }
secrets:
  tok: { env: WF_TEST_UNSET_SECRET }
steps:
  a:
    run: touch ran
)yaml");
  auto input = wf_run(dir, {"run", "wf.yaml", "-i", "cuont=2"}, {{"WF_TEST_UNSET_SECRET", "x-value"}});
  CHECK(input.r.exit_code == 2);
  CHECK_THAT(input.r.err, Contains("did you mean 'count'"));
  auto secret = wf_run(dir, {"run", "wf.yaml"});
  CHECK(secret.r.exit_code == 2);
  CHECK_THAT(secret.r.err, Contains("WF_TEST_UNSET_SECRET"));
  auto missing = wf_run(dir, {"run", "nothere.yaml"});
  CHECK(missing.r.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/ran"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/.wf/runs"));
}

TEST_CASE("run: --dry-run shows the plan, runs nothing and exits 0", "[e2e][run][usage]") {
  // wf run's exit codes: 0 success, 1 a step failed, 2 usage or validation
  // error. A dry run of a valid workflow is a success (wf plan's 2 means
  // "changes" only for wf plan).
  TempDir dir;
  dir.write("wf.yaml", "name: dry\nsteps:\n  a:\n    run: touch ran\n");
  auto w = wf_run(dir, {"run", "wf.yaml", "--dry-run"});
  INFO(w.all());
  CHECK_THAT(w.r.out, Contains("a (run)"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/ran"));
  CHECK(w.run_dir.empty());
  CHECK(w.r.exit_code == 0);
}
