// Errors that are not "not ready yet" fail the step at once, naming the
// object (Kind/namespace/name), its source file and line, and kubectl's words.

#include <catch2/catch.hpp>

#include "tests/steps/kubectl_apply/kube_test_support.h"

using namespace wf::test;

namespace {

std::string summary_of(const WfResult& w) {
  json attempts = w.step("apply")["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("summary", "") : "";
}

std::string class_of(const WfResult& w) {
  json attempts = w.step("apply")["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("class", "") : "";
}

std::string bad_bundle(const std::string& ns) {
  return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n"
         "---\n"
         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine, namespace: " + ns + "}\n"
         "---\n"
         "apiVersion: apps/v1\n"
         "kind: Deployment\n"
         "metadata: {name: web, namespace: " + ns + "}\n"
         "spec:\n"
         "  selector: {matchLabels: {app: web}}\n"
         "  template:\n"
         "    metadata: {labels: {app: web}}\n"
         "    spec: {containers: []}\n";
}

}  // namespace

TEST_CASE("kubectl-apply: a bad manifest fails at once, naming its file, object and kubectl's message",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string ns = "bad-" + unique_suffix();
  bool server_side = GENERATE(false, true);
  dir.write("deploy/app.yaml", bad_bundle(ns));
  dir.write("wf.yaml", kubectl_apply_workflow("      files: [deploy]\n"
                                              "      server-side: " + std::string(server_side ? "true" : "false") + "\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 2m\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  CHECK(w.r.exit_code == 1);
  CHECK(class_of(w) == "permanent");
  // kubectl's words for a single error (it says `Deployment.apps "web" is invalid` among several).
  CHECK(summary_of(w) == "Deployment/" + ns + "/web (deploy/app.yaml:9, document 3): The Deployment \"web\" is "
                         "invalid: spec.template.spec.containers: Required value");
  CHECK(w.seconds < 30);  // at once, not after the 2m timeout
  CHECK(w.all().find("deploy/app.yaml:9") != std::string::npos);
}

TEST_CASE("kubectl-apply: an object in a namespace that does not exist names the object", "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string ns = "missing-" + unique_suffix();
  dir.write("wf.yaml", kubectl_apply_workflow("      manifests: |\n"
                                              "        apiVersion: v1\n"
                                              "        kind: ConfigMap\n"
                                              "        metadata: {name: lost, namespace: " + ns + "}\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(class_of(w) == "permanent");
  CHECK(summary_of(w) == "ConfigMap/" + ns + "/lost (manifests:1): namespaces \"" + ns + "\" not found");
}

TEST_CASE("kubectl-apply: invalid YAML fails before anything is applied, naming file and line", "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string ns = "yaml-" + unique_suffix();
  dir.write("m/a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n");
  dir.write("m/b.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: oops\n");
  dir.write("wf.yaml", kubectl_apply_workflow("      files: m\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(class_of(w) == "permanent");
  CHECK(summary_of(w).rfind("m/b.yaml:5: invalid YAML", 0) == 0);
  CHECK(cluster.kubectl({"get", "namespace", ns, "--ignore-not-found", "-o", "name"}, dir.path() + "/cache").out.empty());
}
