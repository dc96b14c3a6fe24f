// Reading what helm prints: rendered manifests (documents, kinds), Chart.yaml,
// `helm dependency list`, and helm 3's and helm 4's error messages (as the
// real binaries print them).

#include "steps/helm_template/rendered.h"

#include <catch2/catch.hpp>

namespace {

using namespace wf::steps::helm_template;
using Catch::Matchers::Contains;

TEST_CASE("helm-template output: documents are counted and kinds listed in order of first appearance",
          "[helm_template]") {
  auto s = summarize_manifests(
      "---\n# Source: net/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
      "---\n# Source: net/templates/nodes.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
      "---\n# Source: net/templates/empty.yaml\n# nothing rendered\n"
      "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: t}\n",
      "out.yaml");
  REQUIRE(s);
  CHECK(s->resources == 4);
  CHECK(s->kinds == std::vector<std::string>{"ConfigMap", "Service", "StatefulSet"});
  auto empty = summarize_manifests("", "out.yaml");
  REQUIRE(empty);
  CHECK(empty->resources == 0);
}

TEST_CASE("helm-template output: text that is not YAML names the source and line", "[helm_template]") {
  auto s = summarize_manifests("---\nkind: A\n---\nkind: [unclosed\n", "build/net.yaml");
  REQUIRE_FALSE(s);
  CHECK_THAT(s.error(), Contains("build/net.yaml:"));
  CHECK_THAT(s.error(), Contains("not valid YAML"));
}

TEST_CASE("helm-template output: helm show chart gives versions and the number of dependencies", "[helm_template]") {
  auto info = parse_chart_yaml(
      "apiVersion: v2\nappVersion: \"100340\"\ndependencies:\n- name: common\n  repository: file://../common\n"
      "  version: 0.1.0\nname: umbrella\nversion: 1.0.0\n");
  REQUIRE(info);
  CHECK(info->name == "umbrella");
  CHECK(info->version == "1.0.0");
  CHECK(info->app_version == "100340");
  CHECK(info->dependencies == 1);
}

TEST_CASE("helm-template output: helm dependency list says whether charts/ lacks a dependency", "[helm_template]") {
  CHECK(dependencies_missing("NAME  \tVERSION\tREPOSITORY      \tSTATUS \ncommon\t0.1.0  \tfile://../common\tmissing\n\n"));
  CHECK(dependencies_missing("NAME\tVERSION\tREPOSITORY\tSTATUS\ncommon\t0.2.0\tfile://../common\twrong version\n"));
  CHECK_FALSE(dependencies_missing("NAME  \tVERSION\tREPOSITORY      \tSTATUS\ncommon\t0.1.0  \tfile://../common\tok    \n\n"));
  CHECK_FALSE(dependencies_missing("NAME\tVERSION\tREPOSITORY\tSTATUS\nlib\t0.1.0\t\tunpacked\n"));
  CHECK_FALSE(dependencies_missing("WARNING: no dependencies at umbrella/charts\n"));
}

TEST_CASE("helm-template output: helm 3's template error keeps its file:line:col", "[helm_template]") {
  std::string helm3 =
      "Error: template: broken/templates/service.yaml:7:30: executing \"broken/templates/service.yaml\" at <lower>: "
      "wrong type for value; expected string; got float64\n\nUse --debug flag to render out invalid YAML\n";
  CHECK(helm_error_message(helm3) ==
        "template: broken/templates/service.yaml:7:30: executing \"broken/templates/service.yaml\" at <lower>: "
        "wrong type for value; expected string; got float64");
}

TEST_CASE("helm-template output: helm 4's multi-line template error becomes one line", "[helm_template]") {
  std::string helm4 =
      "Error: broken/templates/service.yaml:7:30\n  executing \"broken/templates/service.yaml\" at <lower>:\n"
      "    wrong type for value; expected string; got float64\n\nUse --debug flag to render out invalid YAML\n";
  CHECK(helm_error_message(helm4) ==
        "broken/templates/service.yaml:7:30 executing \"broken/templates/service.yaml\" at <lower>: "
        "wrong type for value; expected string; got float64");
}

TEST_CASE("helm-template output: a network error of a dependency build is transient, others are not",
          "[helm_template]") {
  CHECK(looks_transient("Error: Get \"https://charts.example.com/index.yaml\": dial tcp: lookup charts.example.com: "
                        "no such host"));
  CHECK(looks_transient("read: connection reset by peer"));
  CHECK_FALSE(looks_transient("Error: directory ../common not found"));
}

}  // namespace
