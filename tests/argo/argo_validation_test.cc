// The exports of examples/, workflows/ and the end-to-end workflow pass the
// Argo emulator's copy of Argo's DAG validation (validateDAG: no continueOn
// or dependencies next to depends, ...) and run to Succeeded when every task
// succeeds. No docker: the tasks are a fake runner's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

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
