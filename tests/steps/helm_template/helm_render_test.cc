// helm-template through the real wf binary with the real helm 3 and helm 4:
// the rendered file is byte for byte what `helm template` prints for the same
// arguments; dependencies, CRDs, show-only, --output-dir; failures.

#include <catch2/catch.hpp>

#include "tests/steps/helm_template/helm_test_support.h"

using namespace wf::test;
using Catch::Matchers::Contains;

namespace {

const char* kNetworkStep =
    "name: helm-test\n"
    "steps:\n"
    "  render:\n"
    "    uses: helm-template\n"
    "    with:\n"
    "      chart: network\n"
    "      release: testnet\n"
    "      namespace: ns1\n"
    "      values: [values-testnet.yaml, values-overrides.yaml]\n"
    "      set: { miner.replicas: 3, image.tag: v100341 }\n"
    "      output: build/network.yaml\n";

void copy_network(const TempDir& dir) {
  copy_data(dir, "network");
  copy_data(dir, "values-testnet.yaml");
  copy_data(dir, "values-overrides.yaml");
}

void renders_like_helm(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_network(dir);
  dir.write("wf.yaml", kNetworkStep);
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  std::string expected = helm_direct(helm, dir, {"template", "testnet", "network", "--namespace", "ns1", "--values",
                                                 "values-testnet.yaml", "--values", "values-overrides.yaml",
                                                 "--set-json", "miner.replicas=3", "--set-json", "image.tag=\"v100341\""});
  std::string rendered = read_file(dir.path() + "/build/network.yaml");
  CHECK(rendered == expected);
  // The typed set: a number, not the string "3".
  CHECK_THAT(rendered, Contains("  replicas: 3\n  serviceName: miner-1\n"));
  CHECK_THAT(rendered, Contains("MINER_REPLICAS: \"3\""));
  CHECK_THAT(rendered, Contains("ninechronicles-headless:v100341"));
  json out = w.step("render")["outputs"];
  CHECK(out["manifest"] == dir.path() + "/build/network.yaml");
  // A ConfigMap, a Service and a StatefulSet for each of 6 hosts, the test Pod.
  CHECK(out["resources"] == "14");
  CHECK(json::parse(out.value("kinds", "null")) == json({"ConfigMap", "Service", "StatefulSet", "Pod"}));
  CHECK(out["chart-version"] == "0.3.1");
  CHECK(out["app-version"] == "100340");
  // Values went by file: the command line shown in the log has no value in it.
  CHECK(w.log.find("v100341") == std::string::npos);
}
WF_HELM_TEST("helm-template renders two values files and a typed set byte for byte as helm template", renders_like_helm)

void builds_file_dependency(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_data(dir, "umbrella");
  copy_data(dir, "common");
  dir.write("wf.yaml",
            "name: deps\nsteps:\n  render:\n    uses: helm-template\n"
            "    with: { chart: umbrella, release: app, output: out.yaml }\n");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  CHECK_THAT(w.log, Contains("running helm dependency build"));
  CHECK(std::filesystem::exists(dir.path() + "/umbrella/charts/common-0.1.0.tgz"));
  std::string rendered = read_file(dir.path() + "/out.yaml");
  CHECK(rendered == helm_direct(helm, dir, {"template", "app", "umbrella"}));
  CHECK_THAT(rendered, Contains("greeting: \"hello from the umbrella\""));
  CHECK(json::parse(w.step("render")["outputs"].value("kinds", "null")) == json({"Secret", "ConfigMap"}));

  // The second run finds the dependency in charts/: no build.
  WfResult again = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  REQUIRE(again.r.exit_code == 0);
  CHECK(again.log.find("running helm dependency build") == std::string::npos);
}
WF_HELM_TEST("helm-template builds a missing file:// dependency first, offline", builds_file_dependency)

void include_crds_and_show_only(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_data(dir, "with-crds");
  dir.write("wf.yaml",
            "name: crds\nsteps:\n"
            "  all:\n    uses: helm-template\n"
            "    with: { chart: with-crds, release: w, include-crds: true, output: all.yaml }\n"
            "  plain:\n    uses: helm-template\n"
            "    with: { chart: with-crds, release: w, output: plain.yaml }\n"
            "  one:\n    uses: helm-template\n"
            "    with: { chart: with-crds, release: w, show-only: [templates/config.yaml], output: one.yaml }\n");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  CHECK(read_file(dir.path() + "/all.yaml") == helm_direct(helm, dir, {"template", "w", "with-crds", "--include-crds"}));
  CHECK(read_file(dir.path() + "/plain.yaml") == helm_direct(helm, dir, {"template", "w", "with-crds"}));
  CHECK(read_file(dir.path() + "/one.yaml") ==
        helm_direct(helm, dir, {"template", "w", "with-crds", "--show-only", "templates/config.yaml"}));
  CHECK(json::parse(w.step("all")["outputs"].value("kinds", "null")) ==
        json({"CustomResourceDefinition", "ConfigMap", "Widget"}));
  CHECK(json::parse(w.step("plain")["outputs"].value("kinds", "null")) == json({"ConfigMap", "Widget"}));
  CHECK(w.step("one")["outputs"]["resources"] == "1");
}
WF_HELM_TEST("helm-template include-crds and show-only give what helm template gives", include_crds_and_show_only)

void packaged_chart(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_network(dir);
  helm_direct(helm, dir, {"package", "network", "--destination", "dist"});
  dir.write("wf.yaml",
            "name: tgz\nsteps:\n  render:\n    uses: helm-template\n"
            "    with: { chart: dist/network-0.3.1.tgz, release: testnet, values: [values-testnet.yaml], output: out.yaml }\n");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  CHECK(read_file(dir.path() + "/out.yaml") ==
        helm_direct(helm, dir, {"template", "testnet", "dist/network-0.3.1.tgz", "--values", "values-testnet.yaml"}));
  CHECK(w.step("render")["outputs"]["chart-version"] == "0.3.1");
}
WF_HELM_TEST("helm-template renders a packaged chart (.tgz) as helm template does", packaged_chart)

void output_dir_layout(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_network(dir);
  dir.write("network/templates/extra.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\n");
  dir.write("wf.yaml",
            "name: dir\nsteps:\n  render:\n    uses: helm-template\n"
            "    with: { chart: network, release: testnet, values: [values-testnet.yaml], output-dir: build/out }\n");
  REQUIRE(run_wf_with_helm(dir, helm, {"run", "wf.yaml"}).r.exit_code == 0);
  std::filesystem::remove(dir.path() + "/network/templates/extra.yaml");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  REQUIRE(w.r.exit_code == 0);
  helm_direct(helm, dir, {"template", "testnet", "network", "--values", "values-testnet.yaml", "--output-dir", "direct"});
  CommandResult diff = run_command({"diff", "-r", dir.path() + "/direct", dir.path() + "/build/out"});
  INFO(diff.out);
  CHECK(diff.exit_code == 0);  // same files, same bytes: the extra file of the first render is gone
  json out = w.step("render")["outputs"];
  CHECK(out["manifest"] == dir.path() + "/build/out");
  CHECK(out["resources"] == "12");
}
WF_HELM_TEST("helm-template output-dir has helm's layout and no file of an earlier render", output_dir_layout)

void broken_template(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_data(dir, "broken");
  dir.write("wf.yaml",
            "name: broken\nsteps:\n  render:\n    uses: helm-template\n"
            "    with: { chart: broken, release: b, output: out.yaml }\n"
            "    retry: { limit: 2, backoff: { delay: 1s } }\n");
  WfResult w = run_wf_with_helm(dir, helm, {"run", "wf.yaml"});
  INFO(w.all() << w.log);
  CHECK(w.r.exit_code == 1);
  CHECK(last_class(w, "render") == "permanent");
  CHECK_THAT(last_summary(w, "render"), Contains("helm template failed: "));
  CHECK_THAT(last_summary(w, "render"), Contains("templates/service.yaml:7:30"));
  CHECK_THAT(last_summary(w, "render"), Contains("wrong type for value"));
  CHECK(w.step("render")["attempts"].size() == 1);  // the default `when` leaves permanent failures alone
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/out.yaml"));
}
WF_HELM_TEST("helm-template: a broken template fails once as permanent with helm's file:line:col", broken_template)

void plan_diffs(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_network(dir);
  dir.write("wf.yaml", kNetworkStep);
  CommandResult first = run_wf({"plan", "wf.yaml"}, dir.path(), {{"WF_HELM", helm}}, 120);
  INFO(first.out << first.err);
  CHECK(first.exit_code == 2);
  CHECK_THAT(first.out, Contains("new file: build/network.yaml (14 resources)"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/build/network.yaml"));

  REQUIRE(run_wf_with_helm(dir, helm, {"run", "wf.yaml"}).r.exit_code == 0);
  CommandResult same = run_wf({"plan", "wf.yaml"}, dir.path(), {{"WF_HELM", helm}}, 120);
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK_THAT(same.out, Contains("no changes: build/network.yaml is up to date"));

  std::string text = read_file(dir.path() + "/wf.yaml");
  text.replace(text.find("miner.replicas: 3"), 17, "miner.replicas: 5");
  dir.write("wf.yaml", text);
  CommandResult changed = run_wf({"plan", "wf.yaml"}, dir.path(), {{"WF_HELM", helm}}, 120);
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 2);
  CHECK_THAT(changed.out, Contains("--- build/network.yaml"));
  CHECK_THAT(changed.out, Contains("-  MINER_REPLICAS: \"3\""));
  CHECK_THAT(changed.out, Contains("+  MINER_REPLICAS: \"5\""));
  CHECK_THAT(changed.out, Contains("+  replicas: 5"));
}
WF_HELM_TEST("wf plan renders helm-template into a temporary folder and diffs it against the last output", plan_diffs)

void secret_values(int major) {
  std::string helm = helm_binary(major);
  TempDir dir;
  copy_network(dir);
  dir.write("wf.yaml",
            "name: secret\nsecrets:\n  signer: { env: SIGNER_KEY }\nsteps:\n  render:\n    uses: helm-template\n"
            "    with:\n      chart: network\n      release: testnet\n"
            "      set: { network.appProtocolVersion: \"${{ secrets.signer }}\" }\n      output: out.yaml\n"
            "  show:\n    needs: [render]\n    run: grep APP_PROTOCOL_VERSION \"${{ steps.render.outputs.manifest }}\"\n");
  std::string secret = "s3cr3t-apv-7781";
  CommandResult r = run_wf({"run", "wf.yaml"}, dir.path(), {{"WF_HELM", helm}, {"SIGNER_KEY", secret}}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(read_file(dir.path() + "/out.yaml"), Contains("APP_PROTOCOL_VERSION: \"" + secret + "\""));
  CHECK(r.out.find(secret) == std::string::npos);
  CHECK_THAT(r.out, Contains("APP_PROTOCOL_VERSION: \"***\""));
  for (const auto& f : files_under(dir.path() + "/.wf")) CHECK(read_file(f).find(secret) == std::string::npos);
}
WF_HELM_TEST("helm-template: a secret in set reaches the chart by file and is masked everywhere", secret_values)

}  // namespace

TEST_CASE("helm-template: a missing chart is a validation error at its line", "[helm-template]") {
  TempDir dir;
  dir.write("wf.yaml",
            "name: missing\nsteps:\n  render:\n    uses: helm-template\n"
            "    with:\n      chart: charts/nope\n      release: r\n      set:\n        hosts[0]: a\n");
  CommandResult r = run_wf({"validate", "wf.yaml"}, dir.path());
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out + r.err, Contains("wf.yaml:6:14"));
  CHECK_THAT(r.out + r.err, Contains("charts/nope"));
  CHECK_THAT(r.out + r.err, Contains("list indexes are not supported"));
}

TEST_CASE("helm-template: without helm the step says so and how to install it", "[helm-template]") {
  TempDir dir;
  copy_data(dir, "broken");
  dir.write("bin/.keep", "");
  dir.write("wf.yaml",
            "name: nohelm\nsteps:\n  render:\n    uses: helm-template\n    with: { chart: broken, release: b }\n");
  CommandResult r = run_wf({"run", "wf.yaml"}, dir.path(), {{"PATH", dir.path() + "/bin"}, {"WF_HELM", ""}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out + r.err, Contains("helm not found on PATH (install: https://helm.sh/docs/intro/install/"));
  CHECK_THAT(r.out + r.err, Contains("scripts/tools/helm.sh"));

  CommandResult bad = run_wf({"run", "wf.yaml"}, dir.path(), {{"WF_HELM", dir.path() + "/bin/helm"}});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.out + bad.err, Contains("WF_HELM is " + dir.path() + "/bin/helm, which is not an executable file"));
}
