// The emulator's retryStrategy (limit, retryPolicy, expression on
// lastRetry, backoff with factor, cap and maxDuration) and deadlines, on
// virtual time.
#include <catch2/catch.hpp>

#include "tests/argo/fake_runner.h"

using namespace wf::test::argo;
using std::chrono::milliseconds;

namespace {

std::string retry_workflow(const std::string& strategy) {
  return dag_workflow("      - {name: a, template: flaky}\n",
                      "  - name: flaky\n    retryStrategy: " + strategy +
                          "\n    container: {image: img, args: ['attempt {{retries}}']}\n");
}

// A runner that fails with the given exit codes in turn, then succeeds.
FakeRunner failing_with(std::vector<int> codes) {
  FakeRunner runner;
  auto left = std::make_shared<std::vector<int>>(std::move(codes));
  runner.tasks["a"] = [left](const TaskRun&) {
    if (left->empty()) return FakeRunner::ok();
    int code = left->front();
    left->erase(left->begin());
    return FakeRunner::fail(code);
  };
  return runner;
}

struct VirtualTime {
  std::chrono::steady_clock::time_point t{};
  std::vector<milliseconds> sleeps;
  EmulatorOptions options() {
    EmulatorOptions o;
    o.now = [this] { return t; };
    o.sleep = [this](milliseconds d) {
      sleeps.push_back(d);
      t += d;
    };
    return o;
  }
};

}  // namespace

TEST_CASE("argo retry: limit counts retries after the first attempt", "[argo]") {
  auto wf = manifest(retry_workflow("{limit: 2}"));
  FakeRunner runner = failing_with({1, 1, 1, 1});
  auto r = run_workflow(wf, runner);
  CHECK(r.tasks.at("a").attempts.size() == 3);
  CHECK(phase_name(r.tasks.at("a").phase) == std::string("Failed"));
  CHECK(r.tasks.at("a").message == "No more retries left");
  CHECK(runner.runs[2].container.args == std::vector<std::string>{"attempt 2"});
}

TEST_CASE("argo retry: a retry that succeeds makes the node succeed", "[argo]") {
  FakeRunner runner = failing_with({75});
  auto r = run_workflow(manifest(retry_workflow("{limit: '3'}")), runner);
  CHECK(r.tasks.at("a").attempts.size() == 2);
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
}

TEST_CASE("argo retry: the expression sees lastRetry.exitCode as a string", "[argo]") {
  auto wf = manifest(retry_workflow("{limit: 3, expression: 'asInt(lastRetry.exitCode) in [75, 76]'}"));
  FakeRunner transient = failing_with({75, 76});
  CHECK(run_workflow(wf, transient).tasks.at("a").attempts.size() == 3);
  FakeRunner permanent = failing_with({75, 1, 75});
  auto r = run_workflow(wf, permanent);
  CHECK(r.tasks.at("a").attempts.size() == 2);
  CHECK(r.tasks.at("a").message == "retryStrategy.expression evaluated to false");
  CHECK(r.tasks.at("a").exit_code == 1);
}

TEST_CASE("argo retry: retryPolicy decides between Failed and Error attempts", "[argo]") {
  FakeRunner runner = failing_with({1});
  auto on_error = run_workflow(manifest(retry_workflow("{limit: 2, retryPolicy: OnError}")), runner);
  CHECK(on_error.tasks.at("a").attempts.size() == 1);

  // A missing Secret is an Error: OnFailure (the default) does not retry it, Always does.
  std::string tmpl = "  - name: flaky\n    retryStrategy: {limit: 2%s}\n    container:\n      image: img\n      env:\n"
                     "      - name: T\n        valueFrom: {secretKeyRef: {name: nope, key: k}}\n";
  auto with = [&](const std::string& extra) {
    std::string t = tmpl;
    t.replace(t.find("%s"), 2, extra);
    return manifest(dag_workflow("      - {name: a, template: flaky}\n", t));
  };
  FakeRunner r1, r2;
  CHECK(run_workflow(with(""), r1).tasks.at("a").attempts.size() == 1);
  CHECK(run_workflow(with(", retryPolicy: Always"), r2).tasks.at("a").attempts.size() == 3);
}

TEST_CASE("argo retry: backoff waits duration * factor^n, capped", "[argo]") {
  VirtualTime time;
  FakeRunner runner = failing_with({1, 1, 1, 1});
  auto r = run_workflow(manifest(retry_workflow("{limit: 4, backoff: {duration: 10s, factor: 2, cap: 30s}}")),
                        runner, time.options());
  CHECK(time.sleeps == std::vector<milliseconds>{milliseconds(10000), milliseconds(20000), milliseconds(30000),
                                                 milliseconds(30000)});
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
}

TEST_CASE("argo retry: maxDuration stops retrying when the next wait would pass it", "[argo]") {
  VirtualTime time;
  FakeRunner runner = failing_with({1, 1, 1, 1});
  auto r = run_workflow(manifest(retry_workflow("{limit: 9, backoff: {duration: '20', factor: 2, maxDuration: 1m}}")),
                        runner, time.options());
  // waits 20 s (t=20), then 40 s would end at 60 s: not before the limit of 60 s? 20+40 = 60 is not after it.
  CHECK(time.sleeps == std::vector<milliseconds>{milliseconds(20000), milliseconds(40000)});
  CHECK(r.tasks.at("a").attempts.size() == 3);
  CHECK(r.tasks.at("a").message == "Backoff would exceed max duration limit");
}

TEST_CASE("argo retry: activeDeadlineSeconds reaches the runner, bounded by the workflow's", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: slow}\n      - {name: b, template: step}\n",
                                  "  - name: slow\n    activeDeadlineSeconds: 90\n    container: {image: img}\n");
  FakeRunner runner;
  run_workflow(manifest(yaml), runner);
  REQUIRE(runner.last_run_of("a")->deadline);
  CHECK(runner.last_run_of("a")->deadline->count() == 90);
  CHECK_FALSE(runner.last_run_of("b")->deadline);

  yaml.replace(yaml.find("spec:\n"), 6, "spec:\n  activeDeadlineSeconds: 30\n");
  FakeRunner bounded;
  run_workflow(manifest(yaml), bounded);
  CHECK(bounded.last_run_of("a")->deadline->count() == 30);
}

TEST_CASE("argo retry: a workflow past its deadline fails and starts nothing more", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: step}\n      - {name: b, template: step, depends: a}\n");
  yaml.replace(yaml.find("spec:\n"), 6, "spec:\n  activeDeadlineSeconds: 10\n");
  VirtualTime time;
  FakeRunner runner;
  runner.tasks["a"] = [&time](const TaskRun&) {
    time.t += std::chrono::seconds(11);
    return FakeRunner::ok();
  };
  auto r = run_workflow(manifest(yaml), runner, time.options());
  CHECK(phase_name(r.phase) == std::string("Failed"));
  CHECK(r.tasks.count("b") == 0);
}
