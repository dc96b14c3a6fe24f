// wf run: retries (each attempt its own log, classes, ::wf-failure-class::),
// timeouts (class timeout, SIGINT first) and timeout-total, on real bash
// scripts through the wf binary.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;


/// The journal's events of kind `event` about `step`.
std::vector<json> events_of(const std::vector<json>& journal, const std::string& event, const std::string& step) {
  std::vector<json> out;
  for (const auto& e : journal)
    if (e.is_object() && e.value("event", "") == event && e.value("step", "") == step) out.push_back(e);
  return out;
}

double attempt_s(const json& step, size_t i) { return step["attempts"][i].value("duration_ms", -1.0) / 1000.0; }

}  // namespace

TEST_CASE("run: a flaky step succeeds on attempt 2, each attempt has its own log and outputs",
          "[e2e][run][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: flaky
steps:
  flaky:
    retry: { limit: 2, backoff: { delay: 50ms } }
    run: |
      echo "attempt ${{ wf.attempt }} says hello (WF_ATTEMPT=$WF_ATTEMPT)"
      echo "out=from-attempt-${{ wf.attempt }}" >> "$WF_OUTPUT"
      if [ "${{ wf.attempt }}" -lt 2 ]; then
        echo "attempt ${{ wf.attempt }} fails" >&2
        exit 1
      fi
  downstream:
    needs: [flaky]
    run: echo "got ${{ steps.flaky.outputs.out }}"
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  json flaky = step_of(w.report, "flaky");
  CHECK(flaky["outcome"] == "success");
  REQUIRE(flaky["attempts"].size() == 2);
  CHECK(flaky["attempts"][0]["ok"] == false);
  CHECK(flaky["attempts"][0]["class"] == "transient");
  CHECK(flaky["attempts"][1]["ok"] == true);
  CHECK(flaky["outputs"]["out"] == "from-attempt-2");
  CHECK_THAT(w.r.out, Contains("[downstream] got from-attempt-2"));
  std::string log1 = w.run_dir + "/logs/flaky.1.log";
  std::string log2 = w.run_dir + "/logs/flaky.2.log";
  CHECK(flaky["attempts"][0]["log"] == log1);
  CHECK(flaky["attempts"][1]["log"] == log2);
  std::string first = read_file(log1), second = read_file(log2);
  CHECK_THAT(first, Contains("attempt 1 says hello (WF_ATTEMPT=1)"));
  CHECK_THAT(first, Contains("err| attempt 1 fails"));
  CHECK(first.find("attempt 2") == std::string::npos);
  CHECK_THAT(second, Contains("attempt 2 says hello (WF_ATTEMPT=2)"));
  CHECK(second.find("attempt 1") == std::string::npos);
  // The journal has both attempts, each with its class.
  auto finished = events_of(w.journal, "attempt_finished", "flaky");
  REQUIRE(finished.size() == 2);
  CHECK(finished[0]["class"] == "transient");
  CHECK(finished[1]["ok"] == true);
  CHECK(events_of(w.journal, "attempt_started", "flaky").size() == 2);
  CHECK_THAT(w.r.out, Contains("[flaky] attempt 1/3 failed (transient)"));
}

TEST_CASE("run: ::wf-failure-class::permanent stops retries, when: narrows what is retried", "[e2e][run][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: classes
steps:
  permanent:
    retry: { limit: 3, backoff: { delay: 10ms } }
    run: |
      echo "bad credentials"
      echo "::wf-failure-class::permanent"
      exit 1
  any-failure:
    retry: { limit: 1, when: [failure], backoff: { delay: 10ms } }
    run: |
      echo "::wf-failure-class::permanent"
      exit 1
  only-timeouts:
    retry: { limit: 3, when: [timeout], backoff: { delay: 10ms } }
    run: exit 1
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json permanent = step_of(w.report, "permanent");
  CHECK(permanent["outcome"] == "failure");
  REQUIRE(permanent["attempts"].size() == 1);
  CHECK(permanent["attempts"][0]["class"] == "permanent");
  // The command is consumed, not shown.
  CHECK(w.r.out.find("::wf-failure-class::") == std::string::npos);
  CHECK(read_file(w.run_dir + "/logs/permanent.1.log").find("::wf-failure-class::") == std::string::npos);
  CHECK_THAT(read_file(w.run_dir + "/logs/permanent.1.log"), Contains("bad credentials"));
  json any = step_of(w.report, "any-failure");
  CHECK(any["attempts"].size() == 2);
  CHECK(step_of(w.report, "only-timeouts")["attempts"].size() == 1);
}

TEST_CASE("run: an unknown ::wf-failure-class:: value warns and counts as permanent", "[e2e][run][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: typo
steps:
  typo:
    retry: { limit: 3, when: [transient], backoff: { delay: 10ms } }
    run: |
      echo "::wf-failure-class::transiant"
      exit 1
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json typo = step_of(w.report, "typo");
  REQUIRE(typo["attempts"].size() == 1);
  CHECK(typo["attempts"][0]["class"] == "permanent");
  CHECK_THAT(w.all(), Contains("unknown failure class 'transiant'"));
  CHECK_THAT(read_file(w.run_dir + "/logs/typo.1.log"), Contains("counts as permanent"));
}

TEST_CASE("run: timeout: stops the attempt in about the timeout, class timeout", "[e2e][run][timeout]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: timeout
steps:
  slow:
    timeout: 400ms
    run: |
      echo "starting the slow thing"
      sleep 30
      echo never-printed
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(w.seconds < 3.0);
  json slow = step_of(w.report, "slow");
  CHECK(slow["outcome"] == "failure");
  REQUIRE(slow["attempts"].size() == 1);
  CHECK(slow["attempts"][0]["class"] == "timeout");
  CHECK_THAT(slow["attempts"][0].value("summary", ""), Contains("timed out after 400ms"));
  CHECK(attempt_s(slow, 0) >= 0.38);
  CHECK(attempt_s(slow, 0) < 1.5);  // sleep dies on SIGINT: no need for the 10 s grace
  CHECK_THAT(read_file(w.run_dir + "/logs/slow.1.log"), Contains("starting the slow thing"));
  CHECK(w.r.out.find("never-printed") == std::string::npos);
  CHECK_THAT(w.r.out, Contains("[slow] ✗ failure (timeout)"));
  auto finished = events_of(w.journal, "attempt_finished", "slow");
  REQUIRE(finished.size() == 1);
  CHECK(finished[0]["class"] == "timeout");
}

TEST_CASE("run: a timed-out script gets SIGINT first, and its trap runs", "[e2e][run][timeout]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: trap
steps:
  trapper:
    timeout: 500ms
    run: |
      trap 'echo "got INT, releasing the lock"; exit 7' INT
      trap 'echo "got TERM"' TERM
      echo ready
      sleep 30 &
      wait
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json step = step_of(w.report, "trapper");
  REQUIRE(step["attempts"].size() == 1);
  CHECK(step["attempts"][0]["class"] == "timeout");
  std::string log = read_file(w.run_dir + "/logs/trapper.1.log");
  CHECK_THAT(log, Contains("out| ready"));
  CHECK_THAT(log, Contains("out| got INT, releasing the lock"));
  CHECK(log.find("got TERM") == std::string::npos);
  CHECK_THAT(w.r.out, Contains("[trapper] got INT, releasing the lock"));
  CHECK(attempt_s(step, 0) < 2.0);  // the trap ended it, long before SIGTERM would have come
}

TEST_CASE("run: a timed-out attempt is retried (timeout is retryable by default)", "[e2e][run][timeout][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: timeout-retry
steps:
  hangs:
    timeout: 300ms
    retry: { limit: 1, backoff: { delay: 10ms } }
    run: |
      echo "attempt $WF_ATTEMPT"
      sleep 30
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json step = step_of(w.report, "hangs");
  REQUIRE(step["attempts"].size() == 2);
  CHECK(step["attempts"][0]["class"] == "timeout");
  CHECK(step["attempts"][1]["class"] == "timeout");
  CHECK_THAT(read_file(w.run_dir + "/logs/hangs.1.log"), Contains("attempt 1"));
  CHECK_THAT(read_file(w.run_dir + "/logs/hangs.2.log"), Contains("attempt 2"));
  CHECK(w.seconds < 3.0);
}

TEST_CASE("run: timeout-total bounds all attempts together", "[e2e][run][timeout][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: timeout-total
steps:
  keeps-failing:
    timeout-total: 1s
    retry: { limit: 20, backoff: { delay: 50ms, factor: 1 } }
    run: |
      sleep 0.3
      exit 1
  one-long-attempt:
    timeout-total: 500ms
    run: sleep 30
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json many = step_of(w.report, "keeps-failing");
  CHECK(many["outcome"] == "failure");
  size_t n = many["attempts"].size();
  CHECK(n >= 2);
  CHECK(n <= 5);  // ~0.33 s each within 1 s; far from the 21 the limit allows
  CHECK(many.value("duration_ms", 0.0) < 1600);
  std::string last_class = many["attempts"][n - 1].value("class", "");
  bool stopped_by_total = last_class == "timeout" || many.value("reason", "").find("timeout-total") != std::string::npos;
  CHECK(stopped_by_total);
  json one = step_of(w.report, "one-long-attempt");
  REQUIRE(one["attempts"].size() == 1);
  CHECK(one["attempts"][0]["class"] == "timeout");
  CHECK(attempt_s(one, 0) < 1.5);
  CHECK(w.seconds < 4.0);
}
