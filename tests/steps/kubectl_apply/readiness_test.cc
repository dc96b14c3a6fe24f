// What "not ready yet" looks like on a real cluster, and how the step waits
// it out within its `timeout`: an admission webhook that comes up late, a
// rollout, a CRD that never becomes established, a kind no CRD defines.

#include <catch2/catch.hpp>
#include <thread>

#include "tests/steps/kubectl_apply/kube_test_support.h"

using namespace wf::test;

namespace {

// A CA and a serving certificate for 127.0.0.1 (Go wants the IP in the SAN).
void make_certs(const TempDir& dir) {
  auto openssl = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = run_command(argv, dir.path());
    REQUIRE(r.exit_code == 0);
  };
  dir.write("san.ext", "subjectAltName=IP:127.0.0.1\n");
  openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
           "-subj", "/CN=wf-test-ca"});
  openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "tls.key", "-out", "tls.csr", "-subj", "/CN=127.0.0.1"});
  openssl({"x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt",
           "-days", "1", "-extfile", "san.ext"});
}

std::string crd_yaml(const std::string& plural, const std::string& kind, const std::string& group) {
  return "apiVersion: apiextensions.k8s.io/v1\n"
         "kind: CustomResourceDefinition\n"
         "metadata: {name: " + plural + "." + group + "}\n"
         "spec:\n"
         "  group: " + group + "\n"
         "  names: {kind: " + kind + ", plural: " + plural + "}\n"
         "  scope: Namespaced\n"
         "  versions:\n"
         "    - name: v1\n"
         "      served: true\n"
         "      storage: true\n"
         "      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n";
}

std::string attempt_class(const WfResult& w) {
  json attempts = w.step("apply")["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("class", "") : "";
}

std::string attempt_summary(const WfResult& w) {
  json attempts = w.step("apply")["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("summary", "") : "";
}

/// How long the last attempt took, as wf measured it: with the clock the
/// step's own deadline and waits use (StepContext::clock), from before the
/// step computed its deadline. The test's stopwatch around the whole wf
/// process is another clock and includes wf's start-up, so a bound on it is
/// either loose or flaky.
double attempt_ms(const WfResult& w) {
  json attempts = w.step("apply")["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("duration_ms", -1.0) : -1.0;
}

}  // namespace

TEST_CASE("kubectl-apply: an admission webhook that comes up after a few seconds is waited out",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string s = unique_suffix();
  std::string ns = "webhooked-" + s;
  std::string cache = dir.path() + "/cache";
  make_certs(dir);
  int port = free_port();
  CommandResult ca = run_command({"openssl", "base64", "-A", "-in", dir.path() + "/ca.crt"});
  REQUIRE(ca.exit_code == 0);
  // The webhook guards ConfigMaps in namespaces labelled for this test only.
  std::string config = "wh-" + s;
  dir.write("webhook.yaml",
            "apiVersion: admissionregistration.k8s.io/v1\n"
            "kind: ValidatingWebhookConfiguration\n"
            "metadata: {name: " + config + "}\n"
            "webhooks:\n"
            "  - name: configmaps.wf.test\n"
            "    clientConfig:\n"
            "      url: https://127.0.0.1:" + std::to_string(port) + "/validate\n"
            "      caBundle: " + ca.out + "\n"
            "    rules: [{apiGroups: [\"\"], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [configmaps]}]\n"
            "    namespaceSelector: {matchLabels: {wf-webhook-test: " + s + "}}\n"
            "    failurePolicy: Fail\n"
            "    sideEffects: None\n"
            "    admissionReviewVersions: [v1]\n"
            "    timeoutSeconds: 2\n");
  REQUIRE(cluster.kubectl({"apply", "-f", dir.path() + "/webhook.yaml"}, cache).exit_code == 0);
  struct Cleanup {
    const KubeCluster& c;
    std::string name, cache;
    ~Cleanup() { c.kubectl({"delete", "validatingwebhookconfiguration", name, "--ignore-not-found"}, cache); }
  } cleanup{cluster, config, cache};

  Background webhook({"python3", std::string(WF_SOURCE_DIR) + "/tests/fixtures/kube/admission_webhook.py", "--port",
                      std::to_string(port), "--cert", dir.path() + "/tls.crt", "--key", dir.path() + "/tls.key",
                      "--delay", "4"},
                     {});
  dir.write("wf.yaml", kubectl_apply_workflow("      manifests: |\n"
                                              "        apiVersion: v1\n"
                                              "        kind: Namespace\n"
                                              "        metadata: {name: " + ns + ", labels: {wf-webhook-test: " + s + "}}\n"
                                              "        ---\n"
                                              "        apiVersion: v1\n"
                                              "        kind: ConfigMap\n"
                                              "        metadata: {name: settings, namespace: " + ns + "}\n"
                                              "        data: {mode: testnet}\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 1m\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  INFO(webhook.out() + webhook.err());
  REQUIRE(w.r.exit_code == 0);
  CHECK(w.step("apply")["attempts"].size() == 1);
  // It was refused while the webhook was down, retried inside the step...
  CHECK(w.log.find("failed calling webhook") != std::string::npos);
  CHECK(w.log.find("not ready yet") != std::string::npos);
  // ...and the webhook reviewed the ConfigMap once it was up.
  CHECK(webhook.wait_for_out("reviewed CREATE ConfigMap " + ns + "/settings", 5));
  CHECK(cluster.kubectl({"get", "configmap", "settings", "-n", ns, "-o", "jsonpath={.data.mode}"}, cache).out ==
        "testnet");
}

TEST_CASE("kubectl-apply: wait: rollout holds the step until the Deployment reports it is available",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string ns = "rollout-" + unique_suffix();
  std::string cache = dir.path() + "/cache";
  dir.write("app.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n---\n"
            "apiVersion: apps/v1\n"
            "kind: Deployment\n"
            "metadata: {name: web, namespace: " + ns + "}\n"
            "spec:\n"
            "  replicas: 1\n"
            "  selector: {matchLabels: {app: web}}\n"
            "  template:\n"
            "    metadata: {labels: {app: web}}\n"
            "    spec: {containers: [{name: web, image: registry.invalid/web:1}]}\n");
  dir.write("wf.yaml", kubectl_apply_workflow("      files: [app.yaml]\n"
                                              "      wait: rollout\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 1m\n"));
  auto wf = start_wf({"run", "wf.yaml"}, {dir.path(), {}, true});
  // No controller runs here: the test plays the deployment controller.
  bool created = false;
  for (int i = 0; i < 150 && !created; ++i) {
    created = cluster.kubectl({"get", "deployment", "web", "-n", ns, "-o", "name"}, cache).exit_code == 0;
    if (!created) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(created);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(wf->running());  // still waiting for the rollout
  CommandResult patch = cluster.kubectl(
      {"patch", "deployment", "web", "-n", ns, "--subresource=status", "--type=merge", "-p",
       R"({"status":{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"readyReplicas":1,"availableReplicas":1,)"
       R"("conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable","message":"up"}]}})"},
      cache);
  REQUIRE(patch.exit_code == 0);
  int code = wf->wait(30);
  INFO(wf->out() + wf->err());
  CHECK(code == 0);
  CHECK(wf->out().find("successfully rolled out") != std::string::npos);
}

TEST_CASE("kubectl-apply: a CRD whose names conflict never becomes established, the step fails after its timeout naming it",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string s = unique_suffix();
  std::string group = s + ".conflict.test";
  std::string cache = dir.path() + "/cache";
  dir.write("existing.yaml", crd_yaml("widgets", "Widget", group));
  REQUIRE(cluster.kubectl({"apply", "-f", dir.path() + "/existing.yaml"}, cache).exit_code == 0);
  dir.write("bundle.yaml", crd_yaml("gizmos", "Widget", group) +
                               "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: after-crds-" + s +
                               ", namespace: default}\n");
  dir.write("wf.yaml", kubectl_apply_workflow("      files: bundle.yaml\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 4s\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  CHECK(w.r.exit_code == 1);
  CHECK(attempt_class(w) == "timeout");
  // The server's own words: the list kind WidgetList (defaulted from the kind) is taken.
  CHECK(attempt_summary(w) == "not established after 4s: CustomResourceDefinition gizmos." + group +
                                  ": NamesAccepted=False (ListKindConflict: \"WidgetList\" is already in use)");
  CHECK(attempt_ms(w) >= 4000 - 50);  // 50 ms: the report rounds to milliseconds, the sleeps' wake-up
  CHECK(w.seconds < 30);
  // Nothing after the CRDs was applied.
  CHECK(cluster.kubectl({"get", "configmap", "after-crds-" + s, "-n", "default", "--ignore-not-found", "-o", "name"},
                        cache).out.empty());
}

TEST_CASE("kubectl-apply: an object whose kind no CRD defines is retried until the timeout, then fails as transient",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string group = unique_suffix() + ".nowhere.test";
  dir.write("wf.yaml", kubectl_apply_workflow("      manifests: |\n"
                                              "        apiVersion: " + group + "/v1\n"
                                              "        kind: Ghost\n"
                                              "        metadata: {name: boo, namespace: default}\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 3s\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  CHECK(w.r.exit_code == 1);
  CHECK(attempt_class(w) == "transient");
  CHECK(attempt_summary(w) == "still not ready after 3s: Ghost/default/boo (manifests:1): no matches for kind \"Ghost\" "
                              "in version \"" + group + "/v1\" ensure CRDs are installed first");
  CHECK(w.log.find("round 2") != std::string::npos);  // retried with backoff
  // The last round starts no earlier than 300 ms before the deadline; giving
  // up one backoff (>= 250 ms) early fails this.
  CHECK(attempt_ms(w) >= 3000 - 300 - 50);
  CHECK(attempt_ms(w) < 3000 + 5000);  // and the step does not run on long after it
}
