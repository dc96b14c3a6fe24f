// The quickstart of the README: `wf run examples/quickstart.yaml` does what
// its comments promise, and scripts/quickstart.sh ends by running it.

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;


}  // namespace

TEST_CASE("quickstart: wf run examples/quickstart.yaml succeeds as its comments say", "[e2e][run][quickstart]") {
  TempDir dir;
  // A copy, so that .wf/ and build/ land in the temp dir, not in the source tree.
  dir.write("quickstart.yaml", read_file(std::string(WF_SOURCE_DIR) + "/examples/quickstart.yaml"));
  auto start = std::chrono::steady_clock::now();
  auto r = run_wf_local({"run", "quickstart.yaml"}, dir.path(), {}, 60);
  double took = seconds_since(start);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(took < 10.0);
  auto runs = run_dirs(dir.path() + "/.wf");
  REQUIRE(runs.size() == 1);
  json report = json::parse(read_file(runs[0] + "/report.json"), nullptr, false);
  REQUIRE(report.is_object());
  CHECK(report["ok"] == true);

  json upload = step_of(report, "upload");
  CHECK(upload["outcome"] == "success");
  REQUIRE(upload["attempts"].size() == 2);
  CHECK(upload["attempts"][0]["ok"] == false);
  CHECK(upload["attempts"][1]["ok"] == true);

  json slow = step_of(report, "slow-check");
  CHECK(slow["outcome"] == "failure");
  CHECK(slow["continue_on_error"] == true);
  REQUIRE(slow["attempts"].size() == 1);
  CHECK(slow["attempts"][0]["class"] == "timeout");
  CHECK(slow["attempts"][0].value("duration_ms", 0.0) < 5000);  // 2s timeout; `sleep 30` ends on SIGINT

  CHECK(step_of(report, "cleanup")["outcome"] == "success");
  CHECK_FALSE(fs::exists(dir.path() + "/build"));  // cleanup ran
  CHECK_THAT(r.out, Contains("[report] hello world: build/app-world.tar is uploaded"));
  CHECK_THAT(r.out, Contains("[report] slow-check ended with failure"));
  CHECK_THAT(r.out, Contains("[upload] uploaded build/app-world.tar"));
  for (const char* id : {"prepare", "lint", "compile", "report"}) {
    INFO(id);
    CHECK(step_of(report, id)["outcome"] == "success");
  }
}

TEST_CASE("quickstart: scripts/quickstart.sh ends by running the quickstart, as the README says",
          "[e2e][run][quickstart]") {
  std::string readme = read_file(std::string(WF_SOURCE_DIR) + "/README.md");
  REQUIRE_THAT(readme, Contains("bash scripts/quickstart.sh   # installs what is missing, builds wf, runs examples/quickstart.yaml"));
  auto lines = split_lines(read_file(std::string(WF_SOURCE_DIR) + "/scripts/quickstart.sh"));
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string::npos) lines.pop_back();
  REQUIRE_FALSE(lines.empty());
  CHECK_THAT(lines.back(), Contains("/runner/cli/wf\" run examples/quickstart.yaml"));
  // ... and the README no longer says it only plans.
  CHECK(readme.find("shows `wf plan` of the quickstart") == std::string::npos);
}
