// The exports of examples/, workflows/ and the end-to-end workflow pass the
// Argo emulator's copy of Argo's DAG validation (validateDAG: no continueOn
// or dependencies next to depends, ...) and run to Succeeded when every task
// succeeds. No docker: the tasks are a fake runner's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "tests/argo/fake_runner.h"
#include "tests/support/command.h"

using namespace wf::test;
using namespace wf::test::argo;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> exported_files() {
  std::vector<std::string> out{std::string(WF_SOURCE_DIR) + "/tests/argo/data/argo-e2e.yaml"};
  for (const char* d : {"examples", "workflows"})
    for (const auto& e : fs::directory_iterator(std::string(WF_SOURCE_DIR) + "/" + d))
      if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("argo validation: every export passes Argo's DAG validation and runs when all tasks succeed", "[argo]") {
  for (const auto& file : exported_files()) {
    INFO(file);
    CommandResult r = run_wf_local({"export", "argo", file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto wf = parse_manifest(r.out);
    if (!wf) FAIL("not a manifest the emulator reads: " << wf.error());
    for (const auto& t : *wf->find_template("main")->dag) CHECK_FALSE(t.continue_on_present);
    FakeRunner runner;
    // A withParam (a matrix read from a step's output) needs a list from the
    // task that outputs it: that task gives one item.
    static const std::regex kParam(R"(\{\{tasks\.([-a-z0-9]+)\.outputs\.parameters\.([-A-Za-z0-9_]+)\}\})");
    for (const auto& t : *wf->find_template("main")->dag) {
      std::smatch m;
      if (!std::regex_search(t.with_param, m, kParam)) continue;
      std::string path = "/tmp/wf-outputs/" + m[2].str();
      runner.tasks[m[1].str()] = [path](const TaskRun&) { return FakeRunner::ok({{path, R"([{"cluster":"x"}])"}}); };
    }
    EmulatorOptions options;
    for (const auto& a : wf->arguments)
      if (!a.value) options.parameters[a.name] = "x";  // a required input: -p at submit
    for (const auto& t : wf->templates)
      if (t.container)
        for (const auto& e : t.container->env)
          if (!e.secret_name.empty()) options.secrets[e.secret_name][e.secret_key] = "x";
    auto result = emulate(*wf, runner, options);
    if (!result) FAIL("the emulator refused the export: " << result.error());
    INFO(result_json(*result));
    CHECK(result->phase == Phase::kSucceeded);
  }
}
