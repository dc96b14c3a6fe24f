// Matrix steps in the scheduler, with fake steps and a manual clock: each
// instance with its `matrix`, outputs as JSON lists, needs that wait for
// every instance, fail-fast, max-parallel, dynamic matrices, and resume of
// the failed instances only.

#include "tests/runner/exec/executor_harness.h"

namespace {

const exec::StepEnd& instance(const exec::StepEnd& step, const std::string& id) {
  for (const auto& s : step.instances)
    if (s.step_id == id) return s;
  FAIL("no instance " << id);
  throw;
}

}  // namespace

TEST_CASE("matrix run: each instance runs with its values, and outputs are JSON lists in instance order", "[exec][matrix]") {
  for (int jobs : {1, 2, 8}) {
    Harness h;
    h.options.jobs = jobs;
    auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { cluster: [a, b], region: [us, eu] }
    with: { value: "${{ matrix.cluster }}-${{ matrix.region }}", outputs: { url: "https://${{ matrix.cluster }}.${{ matrix.region }}" } }
  after:
    uses: fake
    needs: [deploy]
    with: { value: "${{ steps.deploy.outputs.url }} ${{ steps.deploy.outcome }}" }
)");
    INFO("jobs " << jobs);
    CHECK(end.exit_code == 0);
    CHECK(h.record.seen["deploy (a, us)"].find("value")->as_string() == "a-us");
    CHECK(h.record.seen["deploy (b, eu)"].find("value")->as_string() == "b-eu");
    auto& s = h.record.started;
    REQUIRE(s.size() == 5);
    CHECK(s.back() == "after");  // needs wait for every instance
    CHECK(h.record.seen["after"].find("value")->as_string() ==
          R"(["https://a.us","https://a.eu","https://b.us","https://b.eu"] success)");
    const auto& deploy = Harness::step(end, "deploy");
    CHECK(deploy.outcome == exec::Outcome::kSuccess);
    REQUIRE(deploy.instances.size() == 4);
    CHECK(deploy.instances[1].step_id == "deploy (a, eu)");
    CHECK(deploy.instances[1].matrix.find("region")->as_string() == "eu");
  }
}

TEST_CASE("matrix run: fail-fast cancels the instances not yet finished", "[exec][matrix]") {
  Harness h;
  h.options.jobs = 1;
  auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2, 3] }
    with: { fail: "${{ matrix.n == 1 && 1 || 0 }}", class: permanent }
  after: { uses: fake, needs: [deploy] }
)");
  CHECK(end.exit_code == 1);
  CHECK(h.record.started == std::vector<std::string>{"deploy (1)"});
  const auto& deploy = Harness::step(end, "deploy");
  CHECK(deploy.outcome == exec::Outcome::kFailure);
  CHECK(deploy.failure_class == core::FailureClass::kPermanent);
  CHECK(deploy.reason.find("'deploy (1)' failed") != std::string::npos);
  CHECK(instance(deploy, "deploy (2)").outcome == exec::Outcome::kCancelled);
  CHECK(instance(deploy, "deploy (3)").reason == "cancelled: 'deploy (1)' failed (fail-fast)");
  CHECK(Harness::step(end, "after").outcome == exec::Outcome::kSkipped);
}

TEST_CASE("matrix run: fail-fast also stops the instances already running", "[exec][matrix]") {
  Harness h;
  h.options.jobs = 4;
  auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2] }
    with: { fail: "${{ matrix.n == 1 && 1 || 0 }}", class: permanent, wait-cancel: "${{ matrix.n == 2 }}" }
)");
  CHECK(end.exit_code == 1);
  const auto& deploy = Harness::step(end, "deploy");
  CHECK(instance(deploy, "deploy (1)").outcome == exec::Outcome::kFailure);
  CHECK(instance(deploy, "deploy (2)").outcome == exec::Outcome::kCancelled);
}

TEST_CASE("matrix run: without fail-fast every instance runs, and the step fails if one did", "[exec][matrix]") {
  Harness h;
  auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2, 3] }
    fail-fast: false
    with: { fail: "${{ matrix.n == 2 && 1 || 0 }}", class: permanent, outputs: { n: "${{ matrix.n }}" } }
  report:
    uses: fake
    needs: [deploy]
    if: ${{ always() }}
    with: { value: "${{ steps.deploy.outcome }} ${{ steps.deploy.outputs.n }}" }
)");
  CHECK(end.exit_code == 1);
  CHECK(h.record.started.size() == 4);
  // A failed instance has no outputs: null in its place.
  CHECK(h.record.seen["report"].find("value")->as_string() == "failure [1,null,3]");
}

TEST_CASE("matrix run: max-parallel bounds the instances running at once", "[exec][matrix]") {
  for (int limit : {1, 2, 3}) {
    Harness h;
    h.options.jobs = 8;
    h.record.hold_for = limit;  // instances wait in groups of `limit` until the group runs together
    h.record.total = 6;
    auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2, 3, 4, 5, 6] }
    max-parallel: )" + std::to_string(limit) + R"(
    with: { hold: true }
)");
    INFO("max-parallel " << limit);
    CHECK(end.exit_code == 0);
    CHECK(h.record.max_running == limit);
  }
}

TEST_CASE("matrix run: instances share -j with other steps, never more", "[exec][matrix]") {
  Harness h;
  h.options.jobs = 2;
  h.record.hold_for = 2;
  h.record.total = 6;
  auto end = h.run(R"(steps:
  deploy: { uses: fake, matrix: { n: [1, 2, 3, 4] }, with: { hold: true } }
  other1: { uses: fake, with: { hold: true } }
  other2: { uses: fake, with: { hold: true } }
)");
  CHECK(end.exit_code == 0);
  CHECK(h.record.max_running == 2);
  CHECK(h.record.started.size() == 6);
}

TEST_CASE("matrix run: a dynamic matrix is read from a need's output when the step starts", "[exec][matrix]") {
  Harness h;
  auto end = h.run(R"(steps:
  discover:
    uses: fake
    with: { outputs: { clusters: '[{"cluster":"x","size":1},{"cluster":"y","size":2}]' } }
  deploy:
    needs: [discover]
    uses: fake
    matrix: ${{ fromJSON(steps.discover.outputs.clusters) }}
    with: { value: "${{ matrix.cluster }}/${{ matrix.size }}", outputs: { name: "${{ matrix.cluster }}" } }
  last:
    needs: [deploy]
    uses: fake
    with: { value: "${{ steps.deploy.outputs.name }}" }
)");
  CHECK(end.exit_code == 0);
  CHECK(h.record.seen["deploy (x, 1)"].find("value")->as_string() == "x/1");
  CHECK(h.record.seen["deploy (y, 2)"].find("value")->as_string() == "y/2");
  CHECK(h.record.seen["last"].find("value")->as_string() == R"(["x","y"])");
}

TEST_CASE("matrix run: a dynamic matrix that is not a list of objects fails the step, naming what it got",
          "[exec][matrix]") {
  Harness h;
  auto end = h.run(R"(steps:
  discover: { uses: fake, with: { outputs: { clusters: "a,b" } } }
  deploy:
    needs: [discover]
    uses: fake
    matrix: ${{ steps.discover.outputs.clusters }}
  after: { uses: fake, needs: [deploy] }
)");
  CHECK(end.exit_code == 1);
  const auto& deploy = Harness::step(end, "deploy");
  CHECK(deploy.outcome == exec::Outcome::kFailure);
  CHECK(deploy.failure_class == core::FailureClass::kPermanent);
  CHECK(deploy.reason.find(":6:5: matrix of step 'deploy': the matrix is a string, not a list of objects") !=
        std::string::npos);
  CHECK(deploy.instances.empty());
  CHECK(h.record.attempts.count("after") == 0);
}

TEST_CASE("matrix run: --resume runs again only the instances that failed", "[exec][matrix]") {
  Harness h;
  std::string yaml = R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2, 3] }
    fail-fast: false
    with: { fail: "${{ matrix.n == 2 && 1 || 0 }}", class: permanent, outputs: { n: "${{ matrix.n }}" } }
  after: { uses: fake, needs: [deploy], with: { value: "${{ steps.deploy.outputs.n }}" } }
)";
  auto first = h.run(yaml);
  CHECK(first.exit_code == 1);
  h.options.resume = true;
  // deploy (2) fails only on its first attempt overall: the resumed run succeeds.
  auto second = h.run(yaml);
  CHECK(second.exit_code == 0);
  CHECK(h.record.attempts["deploy (1)"] == 1);
  CHECK(h.record.attempts["deploy (2)"] == 2);
  CHECK(h.record.attempts["deploy (3)"] == 1);
  const auto& deploy = Harness::step(second, "deploy");
  CHECK(instance(deploy, "deploy (1)").reused);
  CHECK_FALSE(instance(deploy, "deploy (2)").reused);
  CHECK(h.record.seen["after"].find("value")->as_string() == "[1,2,3]");
  auto j = exec::read_journal(second.run_dir + "/journal.jsonl");
  REQUIRE(j);
  CHECK(j->steps.at("deploy (2)").outcome == "success");
  CHECK(j->steps.at("deploy").outcome == "success");
}

TEST_CASE("matrix run: each instance is retried and journalled on its own", "[exec][matrix]") {
  Harness h;
  auto end = h.run(R"(steps:
  deploy:
    uses: fake
    matrix: { n: [1, 2] }
    retry: { limit: 2, backoff: { delay: 1s } }
    with: { fail: "${{ matrix.n }}", class: transient }
)");
  CHECK(end.exit_code == 0);
  CHECK(h.record.attempts["deploy (1)"] == 2);
  CHECK(h.record.attempts["deploy (2)"] == 3);
  auto j = exec::read_journal(end.run_dir + "/journal.jsonl");
  REQUIRE(j);
  CHECK(j->steps.at("deploy (2)").attempts == 3);
}
