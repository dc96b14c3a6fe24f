// The runbook's render-then-apply in one workflow, for real: helm-template
// renders the network chart (two values files, a typed set) with helm 3 and
// helm 4, kubectl-apply applies the file to a real kube-apiserver, and the
// objects are read back.

#include <catch2/catch.hpp>

#include "tests/steps/helm_template/helm_test_support.h"

using namespace wf::test;
using Catch::Matchers::Contains;

namespace {

void render_then_apply(int major) {
  std::string helm = helm_binary(major);
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  copy_data(dir, "network");
  copy_data(dir, "values-testnet.yaml");
  copy_data(dir, "values-overrides.yaml");
  std::string ns = "helm" + std::to_string(major) + "-" + unique_suffix();
  dir.write("wf.yaml",
            "name: render-and-apply\n"
            "steps:\n"
            "  render:\n"
            "    uses: helm-template\n"
            "    with:\n"
            "      chart: network\n"
            "      release: testnet\n"
            "      namespace: " + ns + "\n"
            "      values: [values-testnet.yaml, values-overrides.yaml]\n"
            "      set: { miner.replicas: 3 }\n"
            "      skip-tests: true\n"
            "      output: build/network.yaml\n"
            "  network:\n"
            "    needs: [render]\n"
            "    uses: kubectl-apply\n"
            "    with:\n"
            "      manifests: |\n        apiVersion: v1\n        kind: Namespace\n        metadata: { name: " + ns + " }\n"
            "      files: [\"${{ steps.render.outputs.manifest }}\"]\n"
            "      namespace: " + ns + "\n"
            "      kubeconfig: " + cluster.kubeconfig() + "\n"
            "      timeout: 2m\n");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  std::string rendered = read_file(dir.path() + "/build/network.yaml");
  CHECK(rendered == helm_direct(helm, dir, {"template", "testnet", "network", "--namespace", ns, "--values",
                                            "values-testnet.yaml", "--values", "values-overrides.yaml", "--set-json",
                                            "miner.replicas=3", "--skip-tests"}));
  CHECK(w.step("render")["outputs"]["resources"] == "13");
  CHECK(w.step("network")["outputs"]["applied"] == "14");  // and the Namespace

  std::string cache = dir.path() + "/kube-cache";
  CommandResult replicas = cluster.kubectl({"get", "statefulset", "miner-1", "-n", ns, "-o", "jsonpath={.spec.replicas}"}, cache);
  CHECK(replicas.out == "3");
  CommandResult services = cluster.kubectl({"get", "services", "-n", ns, "-o", "name"}, cache);
  CHECK(services.out ==
        "service/miner-1\nservice/rh-1\nservice/rh-2\nservice/rh-3\nservice/seed-1\nservice/seed-2\n");
  CommandResult peers = cluster.kubectl({"get", "configmap", "testnet-network", "-n", ns, "-o",
                                         "jsonpath={.data.PEERS}"}, cache);
  CHECK(peers.out == "seed-1." + ns + ".svc:31234\nseed-2." + ns + ".svc:31234\n");
  CommandResult image = cluster.kubectl({"get", "statefulset", "rh-3", "-n", ns, "-o",
                                         "jsonpath={.spec.template.spec.containers[0].image}"}, cache);
  CHECK(image.out == "ghcr.io/planetarium/ninechronicles-headless:v100340");
}
WF_HELM_TEST("helm-template renders the network chart and kubectl-apply applies it to a real API server",
             render_then_apply)

}  // namespace
