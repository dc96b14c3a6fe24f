// The step through its public contract, against a scripted kubectl (a fake
// ProcessRunner): the argv it builds, the order of its phases, what it
// retries and what it does not. The real kubectl and API server are in the
// *_test.cc files labelled `kube`.

#include "steps/kubectl_apply/kubectl_apply_step.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <functional>

#include "runner/core/json.h"
#include "tests/support/command.h"
#include "tests/support/fake_process_runner.h"
#include "tests/support/recording_clock.h"
#include "tests/support/recording_log.h"

using namespace wf;
using services::ProcessResult;
using services::ProcessSpec;

namespace {

using ScriptedKubectl = test::FakeProcessRunner;

bool has(const std::vector<std::string>& argv, const std::string& a) {
  return std::find(argv.begin(), argv.end(), a) != argv.end();
}

// Directory passed with -f, and the objects kubectl would name for its files.
std::string dir_of(const std::vector<std::string>& argv) {
  auto it = std::find(argv.begin(), argv.end(), "-f");
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

const char* kBundle =
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n---\n"
    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\n"
    "spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}\n---\n"
    "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n---\n"
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: other}\n";

const char* kEstablished =
    R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},)"
    R"("status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"True"}]}})";

struct Harness {
  test::TempDir dir;
  ScriptedKubectl kubectl;
  test::RecordingLog log;
  test::RecordingClock clock;
  core::CancelToken cancel;
  step_api::StepContext ctx;
  steps::KubectlApplyStep step;

  explicit Harness(core::Value with) {
    ctx.step_id = "apply";
    ctx.with = std::move(with);
    ctx.working_directory = dir.path();
    ctx.attempt_dir = dir.path() + "/attempt";
    ctx.env = {{"PATH", "/usr/bin:/bin"}, {"KUBECACHEDIR", "/home/me/.kube/cache"}};
    ctx.log = &log;
    ctx.processes = &kubectl;
    ctx.cancel = &cancel;
    ctx.clock = &clock;
  }
  step_api::StepResult run() { return step.run(ctx); }
};

// Answers like kubectl for a bundle: apply prints -o name lines; get crd says established.
ScriptedKubectl::Output happy(const std::vector<std::string>& argv) {
  if (has(argv, "get")) return {0, kEstablished, ""};
  if (!has(argv, "apply")) return {};
  std::string out;
  for (const auto& e : std::filesystem::directory_iterator(dir_of(argv))) {
    std::string text = test::read_file(e.path().string());
    if (text.find("kind: Namespace") != std::string::npos) out += "namespace/apps\n";
    if (text.find("kind: CustomResourceDefinition") != std::string::npos)
      out += "customresourcedefinition.apiextensions.k8s.io/widgets.example.com\n";
    if (text.find("kind: Widget") != std::string::npos) out += "widget.example.com/w1\n";
    if (text.find("kind: ConfigMap") != std::string::npos) out += "configmap/elsewhere\n";
  }
  return {0, out, ""};
}

}  // namespace

TEST_CASE("kubectl-apply step: Namespaces and CRDs first, CRDs waited for, then the rest, as argv", "[kubectl-apply]") {
  Harness h(core::Value(core::Value::Object{{"manifests", kBundle},
                                            {"kubeconfig", "kube/config"},
                                            {"context", "testnet"},
                                            {"namespace", "apps"},
                                            {"server-side", true},
                                            {"field-manager", "wf"},
                                            {"force-conflicts", true},
                                            {"wait", "established"},
                                            {"timeout", "1m"}}));
  h.kubectl.answer_with(happy);
  auto r = h.run();
  INFO(h.log.text());
  REQUIRE(r.ok);
  REQUIRE(h.kubectl.specs().size() == 4);
  const auto first = h.kubectl.specs()[0].argv;
  CHECK(std::vector<std::string>(first.begin(), first.begin() + 6) ==
        std::vector<std::string>{"kubectl", "--kubeconfig", "kube/config", "--context", "testnet", "apply"});
  CHECK(has(first, "--server-side"));
  CHECK(has(first, "--field-manager=wf"));
  CHECK(has(first, "--force-conflicts"));
  CHECK(has(first, "-o"));
  CHECK(has(first, "name"));
  // The CRDs, all in one call.
  const auto get = h.kubectl.specs()[1].argv;
  CHECK(has(get, "get"));
  CHECK(has(get, "widgets.example.com"));
  // The rest: the Widget without a namespace gets -n apps; the ConfigMap that
  // names another namespace goes in a call of its own without -n.
  const auto rest = h.kubectl.specs()[2].argv;
  CHECK(has(rest, "-n"));
  CHECK(has(rest, "apps"));
  const auto other = h.kubectl.specs()[3].argv;
  CHECK_FALSE(has(other, "-n"));
  // Every kubectl gets the attempt's own discovery cache, in the working directory.
  for (const auto& s : h.kubectl.specs()) {
    CHECK(s.env.at("KUBECACHEDIR") == h.ctx.attempt_dir + "/kubectl-apply/discovery-cache");
    CHECK(s.cwd == h.dir.path());
  }
  CHECK(r.outputs.size() == 3);
  CHECK(r.outputs[0].second == core::Value("4"));
  CHECK(r.outputs[1].second == core::Value(R"({"ConfigMap":1,"CustomResourceDefinition":1,"Namespace":1,"Widget":1})"));
  CHECK(r.outputs[2].second == core::Value(R"(["widgets.example.com"])"));
  CHECK(r.summary == "applied 4 objects (1 ConfigMap, 1 CustomResourceDefinition, 1 Namespace, 1 Widget)");
}

TEST_CASE("kubectl-apply step: client-side apply keeps kubectl's field manager, wait: none skips the CRD wait",
          "[kubectl-apply]") {
  Harness h(core::Value(core::Value::Object{{"manifests", kBundle}, {"wait", "none"}, {"timeout", "1m"}}));
  h.kubectl.answer_with(happy);
  auto r = h.run();
  REQUIRE(r.ok);
  CHECK(h.kubectl.calls("get").empty());
  for (const auto& argv : h.kubectl.calls("apply")) {
    CHECK_FALSE(has(argv, "--server-side"));
    CHECK_FALSE(has(argv, "--field-manager=wf"));
    CHECK_FALSE(has(argv, "-n"));
    CHECK_FALSE(has(argv, "--kubeconfig"));
  }
}

TEST_CASE("kubectl-apply step: 'no matches for kind' is retried, only for the objects not applied yet",
          "[kubectl-apply]") {
  Harness h(core::Value(core::Value::Object{{"manifests", kBundle}, {"timeout", "1m"}}));
  int rest_calls = 0;
  h.kubectl.answer_with([&](const std::vector<std::string>& argv) -> ScriptedKubectl::Output {
    std::string dir = dir_of(argv);
    if (has(argv, "apply") && dir.find("objects-1") != std::string::npos) {
      ++rest_calls;
      return {1, "configmap/elsewhere\n",
              "error: resource mapping not found for name: \"w1\" namespace: \"\" from \"" + dir +
                  "/00002.yaml\": no matches for kind \"Widget\" in version \"example.com/v1\"\n"
                  "ensure CRDs are installed first\n"};
    }
    if (has(argv, "apply") && dir.find("objects-2") != std::string::npos) {
      ++rest_calls;
      CHECK(std::filesystem::exists(dir + "/00002.yaml"));
      CHECK_FALSE(std::filesystem::exists(dir + "/00003.yaml"));  // the ConfigMap was applied
    }
    return happy(argv);
  });
  auto r = h.run();
  INFO(h.log.text());
  REQUIRE(r.ok);
  CHECK(rest_calls == 2);
  CHECK(h.log.text().find("1 object not ready yet (Widget/w1: no matches for kind \"Widget\"") != std::string::npos);
  CHECK(r.outputs[0].second == core::Value("4"));
}

TEST_CASE("kubectl-apply step: an error that is not 'not ready' fails at once as permanent, naming the object",
          "[kubectl-apply]") {
  Harness h(core::Value(core::Value::Object{{"manifests", kBundle}, {"timeout", "1m"}}));
  h.kubectl.answer_with([&](const std::vector<std::string>& argv) -> ScriptedKubectl::Output {
    if (has(argv, "apply") && dir_of(argv).find("objects-") != std::string::npos)
      return {1, "widget.example.com/w1\n",
              "Error from server (Forbidden): error when creating \"" + dir_of(argv) +
                  "/00003.yaml\": configmaps \"elsewhere\" is forbidden: quota exceeded\n"};
    return happy(argv);
  });
  auto r = h.run();
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kPermanent);
  CHECK(r.summary == "ConfigMap/other/elsewhere (manifests:14, document 4): configmaps \"elsewhere\" is forbidden: "
                     "quota exceeded");
  CHECK(h.kubectl.calls("apply").size() == 2);  // no retry
}

TEST_CASE("kubectl-apply step: without a source, with '-', or with a kubectl that cannot connect", "[kubectl-apply]") {
  SECTION("no source") {
    Harness h(core::Value(core::Value::Object{{"timeout", "1m"}}));
    auto r = h.run();
    CHECK_FALSE(r.ok);
    CHECK(r.failure_class == core::FailureClass::kPermanent);
    CHECK(r.summary == "kubectl-apply needs at least one source: files, kustomize or manifests");
    CHECK(h.kubectl.specs().empty());
  }
  SECTION("stdin") {
    Harness h(core::Value(core::Value::Object{{"files", core::Value(core::Value::Array{"-"})}}));
    auto r = h.run();
    CHECK_FALSE(r.ok);
    CHECK(r.summary == "files: '-' (standard input) is not allowed");
  }
  SECTION("the API server cannot be reached: transient, not retried inside") {
    Harness h(core::Value(core::Value::Object{{"manifests", kBundle}, {"timeout", "1m"}}));
    h.kubectl.answer_with([](const std::vector<std::string>&) -> ScriptedKubectl::Output {
      return {1, "", "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n"};
    });
    auto r = h.run();
    CHECK_FALSE(r.ok);
    CHECK(r.failure_class == core::FailureClass::kTransient);
    CHECK(r.summary == "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?");
    CHECK(h.kubectl.specs().size() == 1);
  }
}

TEST_CASE("kubectl-apply step: not-ready retries wait on the step's clock, until just before the deadline",
          "[kubectl-apply]") {
  Harness h(core::Value(core::Value::Object{{"manifests", kBundle}, {"timeout", "10s"}}));
  h.kubectl.answer_with([&](const std::vector<std::string>& argv) -> ScriptedKubectl::Output {
    if (has(argv, "apply") && dir_of(argv).find("objects-") != std::string::npos)
      return {1, "", "error: resource mapping not found for name: \"w1\" namespace: \"\" from \"" + dir_of(argv) +
                         "/00002.yaml\": no matches for kind \"Widget\" in version \"example.com/v1\"\n"};
    return happy(argv);
  });
  auto r = h.run();  // on virtual time: returns at once
  INFO(h.log.text());
  REQUIRE_FALSE(r.ok);
  CHECK(r.failure_class == core::FailureClass::kTransient);
  CHECK_THAT(r.summary, Catch::StartsWith("still not ready after 10s: Widget/w1"));
  // The last round runs no earlier than 300 ms before the deadline, never after it.
  CHECK(h.clock.slept() >= std::chrono::milliseconds(9700));
  CHECK(h.clock.slept() <= std::chrono::milliseconds(10000));
  CHECK(h.kubectl.calls("apply").size() >= 4);
}
