// The issue's core scenario against a real kube-apiserver: a GitOps bootstrap
// bundle (namespace, CRDs, custom resources of those kinds, a ConfigMap, a
// Deployment) applied from nothing by one kubectl-apply step, in one run.

#include <catch2/catch.hpp>

#include "tests/steps/kubectl_apply/kube_test_support.h"

using namespace wf::test;

TEST_CASE("kubectl apply -k of the bootstrap bundle fails on a fresh cluster: ensure CRDs are installed first",
          "[kubectl-apply][kube]") {
  // What people run by hand, 2-4 times: kept here so that the scenario stays honest.
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  BundleNames n = copy_bundle(dir, "bundle");
  CommandResult r = cluster.kubectl({"apply", "-k", dir.path() + "/bundle"}, dir.path() + "/cache");
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("no matches for kind \"Application\" in version \"" + n.argo_group + "/v1alpha1\"") !=
        std::string::npos);
  CHECK(r.err.find("ensure CRDs are installed first") != std::string::npos);
  CHECK(r.out.find("customresourcedefinition.apiextensions.k8s.io/applications." + n.argo_group + " created") !=
        std::string::npos);
}

TEST_CASE("kubectl-apply: the bootstrap bundle applies from nothing in one step, one attempt, no error",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  BundleNames n = copy_bundle(dir, "bundle");
  dir.write("wf.yaml", kubectl_apply_workflow("      kustomize: bundle\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"
                                              "      timeout: 2m\n"));
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  REQUIRE(w.r.exit_code == 0);
  json step = w.step("apply");
  CHECK(step["outcome"] == "success");
  CHECK(step["attempts"].size() == 1);
  json out = step["outputs"];
  // Outputs are strings, as in GitHub Actions; the map and the list are JSON text.
  CHECK(out["applied"] == "9");
  CHECK(json::parse(out.value("kinds", "null")) ==
        json({{"AppProject", 1}, {"Application", 1}, {"ConfigMap", 1}, {"CustomResourceDefinition", 3},
              {"Deployment", 1}, {"ExternalSecret", 1}, {"Namespace", 1}}));
  CHECK(json::parse(out.value("crds", "null")) ==
        json({"applications." + n.argo_group, "appprojects." + n.argo_group, "externalsecrets." + n.es_group}));
  // No "not ready" round was needed: the CRDs were established before their objects went in.
  CHECK(w.log.find("not ready yet") == std::string::npos);
  CHECK(w.log.find("CRDs established") != std::string::npos);

  std::string cache = dir.path() + "/cache";
  CommandResult app = cluster.kubectl({"get", "applications." + n.argo_group, "network", "-n", n.ns, "-o",
                                       "jsonpath={.spec.project}"}, cache);
  CHECK(app.exit_code == 0);
  CHECK(app.out == "testnet");
  CommandResult es = cluster.kubectl({"get", "externalsecrets." + n.es_group, "-n", n.ns, "-o", "name"}, cache);
  CHECK(es.out == "externalsecret." + n.es_group + "/registry-credentials\n");
  CommandResult deploy = cluster.kubectl({"get", "deployment", n.ns + "-repo-server", "-n", n.ns, "-o", "name"}, cache);
  CHECK(deploy.exit_code == 0);

  SECTION("a second run changes nothing and succeeds; wf plan then reports no changes") {
    WfResult again = run_wf_in(dir, {"run", "wf.yaml"});
    INFO(again.all());
    CHECK(again.r.exit_code == 0);
    CHECK(again.step("apply")["outputs"]["applied"] == "9");
    WfResult plan = run_wf_in(dir, {"plan", "wf.yaml"});
    INFO(plan.all());
    CHECK(plan.r.exit_code == 0);
  }
}

TEST_CASE("kubectl-apply: wf plan on a fresh cluster shows kubectl diff and the objects that wait for their CRDs",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  BundleNames n = copy_bundle(dir, "bundle");
  dir.write("wf.yaml", kubectl_apply_workflow("      kustomize: bundle\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n"));
  WfResult plan = run_wf_in(dir, {"plan", "wf.yaml"});
  INFO(plan.all());
  CHECK(plan.r.exit_code == 2);  // changes
  // kubectl diff's own output for what it can show...
  CHECK(plan.r.out.find("+  name: applications." + n.argo_group) != std::string::npos);
  CHECK(plan.r.out.find("+  name: " + n.ns + "\n") != std::string::npos);
  // ...and the objects it cannot show before their CRDs and namespace exist.
  CHECK(plan.r.out.find("would create once their CRDs or namespaces exist") != std::string::npos);
  CHECK(plan.r.out.find("+ Application/" + n.ns + "/network (kubectl kustomize bundle:") != std::string::npos);
  CHECK(plan.r.out.find("+ ConfigMap/" + n.ns + "/" + n.ns + "-cm (kubectl kustomize bundle:") != std::string::npos);
  // Nothing was applied.
  CommandResult ns = cluster.kubectl({"get", "namespace", n.ns, "--ignore-not-found", "-o", "name"},
                                     dir.path() + "/cache");
  CHECK(ns.out.empty());
}

TEST_CASE("kubectl-apply: files, directories and inline manifests, objects without a namespace go to `namespace`",
          "[kubectl-apply][kube]") {
  KubeCluster& cluster = KubeCluster::shared();
  TempDir dir;
  std::string s = unique_suffix();
  std::string group = s + ".widgets.test";
  dir.write("manifests/00-crd.yaml",
            "apiVersion: apiextensions.k8s.io/v1\n"
            "kind: CustomResourceDefinition\n"
            "metadata: {name: widgets." + group + "}\n"
            "spec:\n"
            "  group: " + group + "\n"
            "  names: {kind: Widget, plural: widgets}\n"
            "  scope: Namespaced\n"
            "  versions:\n"
            "    - name: v1\n"
            "      served: true\n"
            "      storage: true\n"
            "      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n");
  dir.write("manifests/sub/widget.yaml",
            "apiVersion: " + group + "/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n"
            "---\n"
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, namespace: other-" + s + "}\n");
  dir.write("manifests/README.md", "not a manifest\n");
  dir.write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps-" + s + "}\n---\n"
                       "apiVersion: v1\nkind: Namespace\nmetadata: {name: other-" + s + "}\n");
  dir.write("wf.yaml", kubectl_apply_workflow("      files: [manifests, ns.yaml]\n"
                                              "      manifests: |\n"
                                              "        apiVersion: v1\n"
                                              "        kind: ConfigMap\n"
                                              "        metadata: {name: inline}\n"
                                              "        data: {port: \"8080\"}\n"
                                              "      namespace: apps-" + s + "\n"
                                              "      server-side: true\n"
                                              "      kubeconfig: " + cluster.kubeconfig() + "\n") +
                           "  use-outputs:\n"
                           "    needs: [apply]\n"
                           "    run: echo \"widgets=${{ fromJSON(steps.apply.outputs.kinds).Widget }} "
                           "crds=${{ join(fromJSON(steps.apply.outputs.crds), ',') }}\"\n");
  WfResult w = run_wf_in(dir, {"run", "wf.yaml"});
  INFO(w.all());
  INFO(w.log);
  REQUIRE(w.r.exit_code == 0);
  json out = w.step("apply")["outputs"];
  CHECK(out["applied"] == "6");
  CHECK(out["kinds"] == R"({"ConfigMap":2,"CustomResourceDefinition":1,"Namespace":2,"Widget":1})");
  CHECK(w.r.out.find("widgets=1 crds=widgets." + group) != std::string::npos);  // a later step reads them
  std::string cache = dir.path() + "/cache";
  CHECK(cluster.kubectl({"get", "widgets." + group, "w1", "-n", "apps-" + s, "-o", "name"}, cache).exit_code == 0);
  CHECK(cluster.kubectl({"get", "configmap", "inline", "-n", "apps-" + s, "-o", "jsonpath={.data.port}"}, cache).out ==
        "8080");
  CHECK(cluster.kubectl({"get", "configmap", "elsewhere", "-n", "other-" + s, "-o", "name"}, cache).exit_code == 0);
  // Server-side apply with the default field manager.
  CHECK(cluster.kubectl({"get", "configmap", "inline", "-n", "apps-" + s, "-o",
                         "jsonpath={.metadata.managedFields[*].manager}"}, cache).out == "wf");
}
