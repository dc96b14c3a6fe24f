// Matrix steps through the real wf binary: instances as processes, outputs
// as JSON lists, the journal and report.json, --resume of the failed
// instances only, a dynamic matrix, and the other commands (validate,
// graph, plan, step --matrix).

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;

constexpr const char* kStatic = R"yaml(name: fan-out
steps:
  deploy:
    matrix:
      cluster: [a, b]
      region: [us, eu]
      exclude: [{ cluster: b, region: eu }]
    run: |
      echo "${{ matrix.cluster }}-${{ matrix.region }}" >> deployed.txt
      echo "url=https://${{ matrix.cluster }}.${{ matrix.region }}.test" >> "$WF_OUTPUT"
  report:
    needs: [deploy]
    run: |
      echo '${{ steps.deploy.outputs.url }}' > urls.json
      echo "${{ steps.deploy.outcome }}" > outcome.txt
)yaml";

std::vector<std::string> sorted_lines(const std::string& text) {
  auto lines = split_lines(text);
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

TEST_CASE("wf run matrix: every instance runs, and the next step reads a JSON list in instance order", "[e2e][matrix]") {
  TempDir dir;
  dir.write("wf.yaml", kStatic);
  auto w = wf_run(dir, {"run", "wf.yaml", "-j", "2"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(sorted_lines(read_file(dir.path() + "/deployed.txt")) == std::vector<std::string>{"a-eu", "a-us", "b-us"});
  CHECK(json::parse(read_file(dir.path() + "/urls.json")) ==
        json::array({"https://a.us.test", "https://a.eu.test", "https://b.us.test"}));
  CHECK(read_file(dir.path() + "/outcome.txt") == "success\n");
  CHECK_THAT(w.all(), Contains("deploy (a, us)"));
  json deploy = step_of(w.report, "deploy");
  REQUIRE(deploy.is_object());
  REQUIRE(deploy["instances"].size() == 3);
  CHECK(deploy["instances"][2]["id"] == "deploy (b, us)");
  CHECK(deploy["instances"][2]["matrix"] == json({{"cluster", "b"}, {"region", "us"}}));
  CHECK(deploy["instances"][2]["attempts"].size() == 1);
  std::string log = deploy["instances"][2]["attempts"][0]["log"];
  CHECK_THAT(log, Contains("deploy@"));
  bool journalled = false;
  for (const auto& e : w.journal)
    journalled = journalled || (e.value("event", "") == "step_finished" && e.value("step", "") == "deploy (a, eu)");
  CHECK(journalled);
}

TEST_CASE("wf run matrix: --resume runs again only the instance that failed", "[e2e][matrix]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(steps:
  deploy:
    matrix: { cluster: [a, b, c] }
    fail-fast: false
    run: |
      echo "${{ matrix.cluster }}" >> ran.txt
      [ "${{ matrix.cluster }}" != b ] || [ -f fixed ]
)yaml");
  auto first = wf_run(dir, {"run", "wf.yaml", "-j", "1"});
  REQUIRE(first.r.exit_code == 1);
  CHECK(sorted_lines(read_file(dir.path() + "/ran.txt")) == std::vector<std::string>{"a", "b", "c"});
  dir.write("fixed", "");
  auto second = wf_run(dir, {"run", "wf.yaml", "--resume"});
  INFO(second.all());
  CHECK(second.r.exit_code == 0);
  CHECK(sorted_lines(read_file(dir.path() + "/ran.txt")) == std::vector<std::string>{"a", "b", "b", "c"});
}

TEST_CASE("wf run matrix: a dynamic matrix from a step's output", "[e2e][matrix]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(steps:
  discover:
    run: echo 'clusters=[{"cluster":"x"},{"cluster":"y"}]' >> "$WF_OUTPUT"
  deploy:
    needs: [discover]
    matrix: ${{ fromJSON(steps.discover.outputs.clusters) }}
    run: echo "${{ matrix.cluster }}" >> deployed.txt
  broken:
    needs: [discover]
    matrix: ${{ steps.discover.outputs.clusters }}
    run: echo never
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(sorted_lines(read_file(dir.path() + "/deployed.txt")) == std::vector<std::string>{"x", "y"});
  CHECK(step_of(w.report, "deploy")["outcome"] == "success");
  CHECK(step_of(w.report, "broken")["outcome"] == "failure");
  CHECK_THAT(w.all(), Contains("wf.yaml:10:5: matrix of step 'broken': the matrix is a string, not a list of objects"));
}

TEST_CASE("wf validate matrix: mistakes at FILE:LINE:COL, exit 2", "[e2e][matrix]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(steps:
  deploy:
    matrix: { cluster: [a], include: [{ cluster: b }, { cluster: b }] }
    run: echo "${{ matrix.region }}"
)yaml");
  auto r = run_wf({"validate", "wf.yaml"}, dir.path());
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err + r.out, Contains("wf.yaml:3:55: matrix of step 'deploy': this 'include' item makes the "
                                     "combination (b) a second time"));
  CHECK_THAT(r.err + r.out, Contains("wf.yaml:4:27: the matrix has no key 'region' (it has: cluster)"));
}

TEST_CASE("wf graph, plan and step know matrix steps", "[e2e][matrix]") {
  TempDir dir;
  dir.write("wf.yaml", kStatic);
  auto graph = run_wf({"graph", "wf.yaml"}, dir.path());
  CHECK(graph.exit_code == 0);
  CHECK_THAT(graph.out, Contains("deploy \u00d73"));
  auto plan = run_wf({"plan", "wf.yaml"}, dir.path());
  INFO(plan.out + plan.err);
  CHECK(plan.exit_code == 2);
  CHECK_THAT(plan.out, Contains("deploy \u00d73 (run; 3 instances)"));
  CHECK_THAT(plan.out, Contains("+ deploy (b, us) (run)"));
  auto step = run_wf({"step", "wf.yaml", "deploy", "--matrix", R"({"cluster":"z","region":"ap"})", "--outputs-dir",
                      dir.path() + "/out"},
                     dir.path());
  INFO(step.out + step.err);
  CHECK(step.exit_code == 0);
  CHECK(read_file(dir.path() + "/out/url") == "https://z.ap.test");
  auto missing = run_wf({"step", "wf.yaml", "deploy"}, dir.path());
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("has a matrix: give the instance to run with --matrix"));
}
