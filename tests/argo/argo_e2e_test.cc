// End to end: one workflow run by `wf run`, and exported by `wf export argo`
// and run by the Argo emulator with each task a container of the wf image
// (docs/argo.md). The outcomes and outputs of every step, and the
// workflow's outputs, must agree. Label docker.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runner/argo/argo_export.h"
#include "tests/argo/wf_image.h"
#include "tests/fixtures/argo/argo_emulator.h"
#include "tests/fixtures/argo/docker_task_runner.h"

using namespace wf::test;
using namespace wf::test::argo;
using json = nlohmann::json;

namespace {

const char* kWorkflow = WF_SOURCE_DIR "/tests/argo/data/argo-e2e.yaml";

// wf's outcome of a task as the Argo run shows it: its phase, and the
// wf-outcome wf step wrote (a task that ran may still have skipped itself).
std::string outcome_in_argo(const TaskNode& node) {
  switch (node.phase) {
    case Phase::kSucceeded: {
      auto it = node.outputs.find("wf-outcome");
      return it == node.outputs.end() ? "success" : it->second;
    }
    case Phase::kSkipped:
    case Phase::kOmitted: return "skipped";
    default: return "failure";
  }
}

json wf_run_report(const TempDir& dir) {
  CommandResult r = run_wf_local({"run", "argo-e2e.yaml", "-i", "scratch=" + dir.path() + "/scratch"}, dir.path(),
                                 {{"E2E_TOKEN", "let-me-in"}}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto runs = run_dirs(dir.path() + "/.wf");
  REQUIRE_FALSE(runs.empty());
  return json::parse(read_file(runs.back() + "/report.json"));
}

// `wf export argo ARGS...` run in `dir`, as the manifest the emulator reads.
Workflow exported_manifest(const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"export", "argo"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult exported = run_wf_local(argv, dir.path());
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  auto wf = parse_manifest(exported.out);
  if (!wf) FAIL("the export is not a manifest the emulator reads: " << wf.error() << "\n" << exported.out);
  return *wf;
}

// The manifest run by the Argo emulator, each task a container on the test dockerd.
WorkflowResult emulate_on_docker(const Workflow& wf, const EmulatorOptions& options) {
  DockerTaskRunner::Options docker;
  docker.docker_host = DockerEngine::shared().host();
  DockerTaskRunner runner(docker);
  auto argo = emulate(wf, runner, options);
  if (!argo) FAIL("the emulator refused the export: " << argo.error());
  return *argo;
}

// The emulator's name of step `id`'s node: a called file's step is a task
// of its workflow step's nested DAG ("deploy.deploy-render-1a2b3c").
std::string node_of(const std::string& id) {
  std::string key;
  for (size_t slash = id.find('/'); ; slash = id.find('/', slash + 1)) {
    std::string head = id.substr(0, slash);
    key += (key.empty() ? "" : ".") + wf::argo::k8s_name(head);
    if (slash == std::string::npos) return key;
  }
}

}  // namespace

// One case, so one dockerd and one image build (each case is a process under
// CTest): its sections.
TEST_CASE("argo e2e: the wf image runs wf step, and wf run and the exported Workflow agree", "[argo][docker]") {
  SECTION("docker run of wf step on a mounted workflow writes its outputs") {
    DockerEngine& engine = DockerEngine::shared();
    const std::string& image = shared_wf_image();
    TempDir dir;
    dir.write("argo-e2e.yaml", read_file(kWorkflow));
    // wf step wants every secret of the file set, as wf run does.
    CommandResult r = engine.docker({"run", "--rm", "--network", "none", "-e", "E2E_TOKEN=x", "-v", dir.path() + ":/work", image, "wf",
                                     "step", "/work/argo-e2e.yaml", "consume", "--need", "produce.value=41",
                                     "--outputs-dir", "/work/out"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(read_file(dir.path() + "/out/got") == "41!");
    CHECK(read_file(dir.path() + "/out/wf-outcome") == "success");
  }
  SECTION("wf run and the exported Workflow on the Argo emulator agree") {
    const std::string& image = shared_wf_image();
    TempDir dir;
    std::filesystem::create_directories(dir.path() + "/scratch");
    dir.write("argo-e2e.yaml", read_file(kWorkflow));

    json report = wf_run_report(dir);

    auto wf = std::optional<Workflow>(
        exported_manifest(dir, {"argo-e2e.yaml", "--image", image, "--state-claim", "e2e-state"}));

    TempDir claim;
    EmulatorOptions options;
    options.secrets["argo-e2e-secrets"]["token"] = "let-me-in";
    options.claims["e2e-state"] = claim.path();
    options.parameters["scratch"] = "/wf-state";
    auto argo = std::optional<WorkflowResult>(emulate_on_docker(*wf, options));
    INFO(result_json(*argo));
    CHECK(phase_name(argo->phase) == std::string("Succeeded"));

    for (const auto& step : report["steps"]) {
      std::string id = step["id"];
      INFO("step " << id);
      REQUIRE(argo->tasks.count(id));
      const TaskNode& node = argo->tasks.at(id);
      CHECK(outcome_in_argo(node) == step.value("outcome", ""));
      // Every output the export declares (those other steps read) has wf run's value.
      const Template* tmpl = wf->find_template(id);
      REQUIRE(tmpl);
      for (const auto& out : tmpl->outputs) {
        if (out.name == "wf-outcome" || node.phase != Phase::kSucceeded) continue;
        std::string expected = step["outputs"].contains(out.name) ? step["outputs"][out.name].get<std::string>() : "";
        CHECK(node.outputs.at(out.name) == expected);
      }
    }
    CHECK(argo->tasks.at("flaky").attempts.size() == 2);
    // continue-on-error: no continueOn (Argo refuses it next to depends); wf step
    // exits 0 on the last failure and says failure in wf-outcome.
    for (const auto& t : *wf->find_template("main")->dag) CHECK_FALSE(t.continue_on_present);
    CHECK(phase_name(argo->tasks.at("broken").phase) == std::string("Succeeded"));
    CHECK(argo->tasks.at("broken").exit_code == 0);
    CHECK(argo->tasks.at("broken").outputs.at("wf-outcome") == "failure");
    // A failing leaf: retried while its class is retried, then exit 0.
    const TaskNode& leaf = argo->tasks.at("tolerant-leaf");
    CHECK(phase_name(leaf.phase) == std::string("Succeeded"));
    CHECK(leaf.attempts.size() == 2);
    CHECK(leaf.exit_code == 0);
    CHECK(leaf.outputs.at("wf-outcome") == "failure");
    CHECK(argo->outputs.at("summary") == report["outputs"]["summary"].get<std::string>());
    CHECK(argo->outputs.at("summary") == "forty-two! skipped yes match failure failure-success");
  }
  SECTION("a workflow step: its called file as a nested DAG, and wf run and Argo agree") {
    const std::string& image = shared_wf_image();
    TempDir dir;
    dir.write("argo-calls.yaml", read_file(WF_SOURCE_DIR "/tests/argo/data/argo-calls.yaml"));
    dir.write("lib/argo-calls-cluster.yaml", read_file(WF_SOURCE_DIR "/tests/argo/data/lib/argo-calls-cluster.yaml"));
    CommandResult ran = run_wf_local({"run", "argo-calls.yaml"}, dir.path(), {{"E2E_TOKEN", "let-me-in"}}, 120);
    INFO(ran.out << ran.err);
    REQUIRE(ran.exit_code == 0);
    json report = json::parse(read_file(run_dirs(dir.path() + "/.wf").back() + "/report.json"));

    Workflow wf = exported_manifest(dir, {"argo-calls.yaml", "--image", image});
    EmulatorOptions options;
    options.secrets["argo-calls-secrets"]["token"] = "let-me-in";
    auto argo = std::optional<WorkflowResult>(emulate_on_docker(wf, options));
    INFO(result_json(*argo));
    CHECK(phase_name(argo->phase) == std::string("Succeeded"));
    for (const auto& step : report["steps"]) {
      std::string id = step["id"];
      INFO("step " << id << " as node " << node_of(id));
      if (step["outcome"] == "skipped" && id.find('/') != std::string::npos) continue;  // not reached in Argo
      REQUIRE(argo->tasks.count(node_of(id)));
      CHECK(outcome_in_argo(argo->tasks.at(node_of(id))) == step.value("outcome", ""));
    }
    CHECK(argo->tasks.at("deploy").outputs.at("url") == "https://eu-1@1.2.3");
    CHECK(argo->outputs.at("summary") == report["outputs"]["summary"].get<std::string>());
    CHECK(argo->outputs.at("summary") == "https://eu-1@1.2.3 skipped");
  }
}
