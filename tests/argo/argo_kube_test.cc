// wf export argo against a real kube-apiserver v1.20.2 with Argo's own
// Workflow CRD (v4.1.2, tests/data/argo): the exports of examples/ and
// workflows/ pass `kubectl create --dry-run=server`, and a Workflow with a
// wrong type is refused, so the check can fail.

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/fixtures/kube/kube_cluster.h"
#include "tests/support/command.h"

namespace {

using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

const std::string kSource = WF_SOURCE_DIR;

// The CRD, created once per process, Established before any dry run.
KubeCluster& cluster_with_crd(const std::string& cache) {
  KubeCluster& k = KubeCluster::shared();
  static bool created = false;
  if (!created) {
    auto c = k.kubectl({"create", "--validate=false", "-f", kSource + "/tests/data/argo/argo-workflow-crd.json"}, cache);
    INFO(c.out << c.err);
    REQUIRE((c.exit_code == 0 || c.err.find("AlreadyExists") != std::string::npos));
    auto w = k.kubectl({"wait", "--for", "condition=established", "--timeout=60s",
                        "crd/workflows.argoproj.io"}, cache, 90);
    INFO(w.out << w.err);
    REQUIRE(w.exit_code == 0);
    created = true;
  }
  return k;
}

std::vector<std::string> workflow_files() {
  std::vector<std::string> out;
  for (const char* d : {"examples", "workflows"})
    for (const auto& e : fs::directory_iterator(kSource + "/" + d))
      if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("argo kube: the exports of examples/ and workflows/ pass the apiserver's dry run", "[argo][kube]") {
  TempDir dir;
  std::string cache = dir.path() + "/kube-cache";
  KubeCluster& k = cluster_with_crd(cache);
  auto files = workflow_files();
  REQUIRE(files.size() >= 2);
  for (const auto& f : files) {
    auto ex = run_wf({"export", "argo", f, "--image", "wf:test", "--namespace", "default"});
    INFO(f << "\n" << ex.err);
    REQUIRE(ex.exit_code == 0);
    std::string out = dir.write(fs::path(f).stem().string() + ".argo.yaml", ex.out);
    auto c = k.kubectl({"create", "--dry-run=server", "-f", out}, cache);
    INFO(c.out << c.err);
    CHECK(c.exit_code == 0);
    CHECK_THAT(c.out, Contains("workflow.argoproj.io/"));
    CHECK_THAT(c.out, Contains("configmap/"));
  }
}

TEST_CASE("argo kube: a Workflow with a wrong type is refused with the field's path", "[argo][kube]") {
  TempDir dir;
  std::string cache = dir.path() + "/kube-cache";
  KubeCluster& k = cluster_with_crd(cache);
  std::string bad = dir.write("bad.yaml", R"(apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: bad-, namespace: default }
spec:
  entrypoint: main
  templates:
    - name: main
      activeDeadlineSeconds: [not, a, number]
      container: { image: "wf:test", command: [wf] }
)");
  auto c = k.kubectl({"create", "--dry-run=server", "-f", bad}, cache);
  INFO(c.out << c.err);
  CHECK(c.exit_code != 0);
  CHECK_THAT(c.err, Contains("activeDeadlineSeconds"));
}
