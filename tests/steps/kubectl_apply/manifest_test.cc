// Splitting a kubectl-apply step's sources into objects, as kubectl does,
// keeping each object's text byte for byte and where it came from.

#include "steps/kubectl_apply/manifest.h"

#include <catch2/catch.hpp>

#include "tests/support/command.h"

using namespace wf::steps::kubectl_apply;

TEST_CASE("manifests: documents split at --- lines keep their text, source line and document number",
          "[kubectl-apply]") {
  std::string text =
      "# leading comment\n"
      "apiVersion: v1\n"
      "kind: Namespace\n"
      "metadata: {name: argocd}\n"
      "---\n"
      "\n"
      "---   # an empty document is skipped\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: web\n"
      "  namespace: argocd\n"
      "spec: {replicas: 1}\n"
      "--- \n"
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata: {name: cm}\n"
      "data: {port: \"8080\", enabled: 'true'}\n";
  auto docs = split_manifests(text, "deploy/app.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 3);
  const Manifest& ns = (*docs)[0];
  CHECK(ns.kind == "Namespace");
  CHECK(ns.is_namespace());
  CHECK(ns.line == 2);
  CHECK(ns.document == 1);
  CHECK(ns.where() == "deploy/app.yaml:2, document 1");
  const Manifest& web = (*docs)[1];
  CHECK(web.kind == "Deployment");
  CHECK(web.group() == "apps");
  CHECK(web.name == "web");
  CHECK(web.namespace_ == "argocd");
  CHECK(web.line == 8);
  CHECK(web.document == 2);
  CHECK(web.kubectl_name() == "deployment.apps/web");
  CHECK(web.text == "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: argocd\nspec: {replicas: 1}\n");
  const Manifest& cm = (*docs)[2];
  CHECK(cm.kubectl_name() == "configmap/cm");
  CHECK(cm.text.find("port: \"8080\"") != std::string::npos);  // quoting kept: still a string for kubectl
}

TEST_CASE("manifests: a single document needs no document number, --- followed by content is content, as for kubectl",
          "[kubectl-apply]") {
  auto docs = split_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: |\n    ---not a separator\n", "a.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 1);
  CHECK((*docs)[0].where() == "a.yaml:1");
}

TEST_CASE("manifests: a CRD records the kind, group and scope it defines", "[kubectl-apply]") {
  auto docs = split_manifests(
      "apiVersion: apiextensions.k8s.io/v1\n"
      "kind: CustomResourceDefinition\n"
      "metadata: {name: clusterwidgets.example.com}\n"
      "spec:\n"
      "  group: example.com\n"
      "  scope: Cluster\n"
      "  names: {kind: ClusterWidget, plural: clusterwidgets}\n"
      "---\n"
      "apiVersion: example.com/v1\n"
      "kind: ClusterWidget\n"
      "metadata: {name: w}\n"
      "---\n"
      "apiVersion: example.com/v1\n"
      "kind: Gadget\n"
      "metadata: {name: g}\n",
      "crds.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 3);
  const auto& crd = (*docs)[0];
  CHECK(crd.is_crd());
  CHECK(crd.crd_group == "example.com");
  CHECK(crd.crd_kind == "ClusterWidget");
  CHECK(crd.crd_cluster_scoped);
  CHECK(object_ref((*docs)[1], *docs, "apps") == "ClusterWidget/w");
  CHECK(object_ref((*docs)[2], *docs, "apps") == "Gadget/apps/g");
  CHECK(object_ref(crd, *docs, "apps") == "CustomResourceDefinition/clusterwidgets.example.com");
}

TEST_CASE("manifests: a List becomes its items, quoted scalars staying strings", "[kubectl-apply]") {
  auto docs = split_manifests(
      "apiVersion: v1\n"
      "kind: List\n"
      "items:\n"
      "  - apiVersion: v1\n"
      "    kind: ConfigMap\n"
      "    metadata: {name: one}\n"
      "    data: {port: \"8080\", on: \"true\", empty: ''}\n"
      "  - apiVersion: v1\n"
      "    kind: Service\n"
      "    metadata: {name: two, namespace: apps}\n"
      "    spec: {ports: [{port: 80}]}\n",
      "list.yaml");
  REQUIRE(docs.ok());
  REQUIRE(docs->size() == 2);
  CHECK((*docs)[0].kind == "ConfigMap");
  CHECK((*docs)[0].item == 1);
  CHECK((*docs)[0].where() == "list.yaml:4, item 1");
  CHECK((*docs)[0].text.find("port: \"8080\"") != std::string::npos);
  CHECK((*docs)[0].text.find("on: \"true\"") != std::string::npos);
  CHECK((*docs)[1].namespace_ == "apps");
  CHECK((*docs)[1].text.find("port: 80") != std::string::npos);
  CHECK((*docs)[1].text.find("\"80\"") == std::string::npos);
}

TEST_CASE("manifests: invalid YAML and incomplete objects fail naming the source and line", "[kubectl-apply]") {
  auto bad = split_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [unclosed\n", "bad.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().rfind("bad.yaml:5: invalid YAML", 0) == 0);

  auto no_kind = split_manifests("apiVersion: v1\nmetadata: {name: a}\n", "x.yaml");
  REQUIRE_FALSE(no_kind.ok());
  CHECK(no_kind.error() == "x.yaml:1 (document 1): has no kind");

  auto no_name = split_manifests("---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n", "p.yaml");
  REQUIRE_FALSE(no_name.ok());
  CHECK(no_name.error().find("p.yaml:2 (document 1): Pod has no metadata.name") == 0);

  auto scalar = split_manifests("just text\n", "s.yaml");
  REQUIRE_FALSE(scalar.ok());
  CHECK(scalar.error().find("is not a Kubernetes object") != std::string::npos);
}

TEST_CASE("manifests: a directory is read recursively in kubectl's order, '-' and missing paths are refused",
          "[kubectl-apply]") {
  wf::test::TempDir dir;
  dir.write("m/b.yaml", "");
  dir.write("m/a/z.yml", "");
  dir.write("m/a-b.json", "");
  dir.write("m/notes.txt", "");
  auto files = manifest_files("m", dir.path());
  REQUIRE(files.ok());
  CHECK(*files == std::vector<std::string>{"m/a/z.yml", "m/a-b.json", "m/b.yaml"});
  auto one = manifest_files("m/b.yaml", dir.path());
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{"m/b.yaml"});
  CHECK_FALSE(manifest_files("-", dir.path()).ok());
  auto missing = manifest_files("nope", dir.path());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error() == "files: nope does not exist");
}
