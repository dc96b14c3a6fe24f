// wf export argo: names, depends/when, retryStrategy, deadlines, secrets,
// outputs and the task command line, checked on the exported tree.

#include <catch2/catch.hpp>

#include "runner/argo/argo_export.h"
#include "runner/core/json.h"
#include "tests/runner/model/model_test_support.h"

using namespace wf;
using Catch::Matchers::Contains;

namespace {

model::Workflow load_ok(const std::string& yaml) {
  auto r = model::test::load(yaml);
  for (const auto& e : model::test::errors(r)) UNSCOPED_INFO(e);
  REQUIRE(r.workflow);
  return *r.workflow;
}

argo::Gate gate(const std::string& yaml, const std::string& id) {
  auto wf = load_ok(yaml);
  for (size_t i = 0; i < wf.steps.size(); ++i)
    if (wf.steps[i].id == id) return argo::map_gate(wf, i);
  FAIL("no step " << id);
  return {};
}

const core::Value& get(const core::Value& v, const std::string& key) {
  for (const auto& [k, e] : v.as_object())
    if (k == key) return e;
  FAIL("no key " << key << " in " << core::to_json(v));
  static core::Value null;
  return null;
}

const core::Value& named(const core::Value& arr, const std::string& name) {
  for (const auto& e : arr.as_array())
    if (get(e, "name").as_string() == name) return e;
  FAIL("nothing named " << name);
  static core::Value null;
  return null;
}

const char* kInputs = R"yaml(name: Deploy_Test
inputs:
  smoke: { type: boolean, default: true }
  env: { type: choice, options: [Prod, staging], default: staging }
  who: { default: me }
)yaml";

}  // namespace

TEST_CASE("argo: names are lower case, '_' mapped, stable, and never collide", "[argo]") {
  CHECK(argo::k8s_name("build") == "build");
  CHECK(argo::k8s_name("slow-check") == "slow-check");
  std::string a = argo::k8s_name("Build"), b = argo::k8s_name("build_");
  CHECK(a.rfind("build-", 0) == 0);
  CHECK(a.size() == std::string("build-").size() + 6);
  CHECK(a == argo::k8s_name("Build"));
  CHECK(a != argo::k8s_name("BUILD"));
  CHECK(b != "build-");
  CHECK(argo::k8s_name("_x").rfind("x-", 0) == 0);
  CHECK(argo::k8s_name("_x") != argo::k8s_name("x_"));
  CHECK(argo::k8s_name("main") != "main");
  CHECK(argo::k8s_name(std::string(100, 'A')).size() <= 63);
}

TEST_CASE("argo: needs become depends on success, continue-on-error needs also on failure", "[argo]") {
  std::string yaml = std::string(kInputs) + R"yaml(steps:
  a: { run: x }
  b: { run: x, continue-on-error: true }
  c: { needs: [a, b], run: x }
)yaml";
  auto g = gate(yaml, "c");
  CHECK(g.exact);
  CHECK(g.depends == "a.Succeeded && (b.Succeeded || b.Failed)");
  CHECK(g.when.empty());
  CHECK(gate(yaml, "a").depends.empty());
}

TEST_CASE("argo: boolean and choice inputs map to when", "[argo]") {
  std::string yaml = std::string(kInputs) + R"yaml(steps:
  a: { run: x }
  b: { needs: [a], if: "${{ inputs.smoke }}", run: x }
  c: { if: "!inputs.smoke && inputs.env == 'prod'", run: x }
  d: { if: "inputs.smoke == false || 'STAGING' != inputs.env", run: x }
)yaml";
  auto b = gate(yaml, "b");
  CHECK(b.exact);
  CHECK(b.depends == "a.Succeeded");
  CHECK(b.when == "{{workflow.parameters.smoke}} == true");
  auto c = gate(yaml, "c");
  CHECK(c.exact);
  CHECK(c.when == "(!({{workflow.parameters.smoke}} == true)) && ('{{workflow.parameters.env}}' == 'Prod')");
  auto d = gate(yaml, "d");
  CHECK(d.exact);
  CHECK(d.when ==
        "({{workflow.parameters.smoke}} == false) || ('{{workflow.parameters.env}}' != 'staging')");
}

TEST_CASE("argo: free text, outputs and functions are left to wf step", "[argo]") {
  std::string yaml = std::string(kInputs) + R"yaml(steps:
  a: { run: x }
  b: { needs: [a], if: "inputs.who == 'me'", run: x }
  c: { needs: [a], if: "steps.a.outputs.x == 'y'", run: x }
  d: { needs: [a], if: "contains(inputs.who, 'm')", run: x }
  e: { needs: [a], if: "cancelled()", run: x }
  f: { needs: [a], if: "always() || inputs.smoke", run: x }
)yaml";
  for (const char* id : {"b", "c", "d"}) {
    auto g = gate(yaml, id);
    INFO(id);
    CHECK_FALSE(g.exact);
    CHECK(g.depends == "a.Succeeded");
    CHECK(g.when.empty());
  }
  for (const char* id : {"e", "f"}) {
    auto g = gate(yaml, id);
    INFO(id);
    CHECK_FALSE(g.exact);
    CHECK_THAT(g.depends, Contains("a.Omitted"));
  }
}

TEST_CASE("argo: always() and failure() map to depends over results", "[argo]") {
  std::string yaml = std::string(kInputs) + R"yaml(steps:
  a: { run: x }
  b: { needs: [a], run: x, continue-on-error: true }
  c: { needs: [b], if: "always()", run: x }
  d: { needs: [b], if: "failure()", run: x }
  e: { needs: [b], if: "always() && inputs.smoke", run: x }
)yaml";
  auto c = gate(yaml, "c");
  CHECK(c.exact);
  CHECK(c.depends == "(b.Succeeded || b.Failed || b.Errored || b.Skipped || b.Omitted)");
  auto d = gate(yaml, "d");
  CHECK(d.exact);
  CHECK(d.depends == "(b.Succeeded || b.Failed || b.Errored || b.Skipped || b.Omitted) && (a.Failed || a.Errored)");
  auto e = gate(yaml, "e");
  CHECK(e.exact);
  CHECK(e.when == "{{workflow.parameters.smoke}} == true");
}

TEST_CASE("argo: the workflow, its parameters, templates and the task command", "[argo]") {
  auto wf = load_ok(std::string(kInputs) + R"yaml(secrets:
  gh: { env: GITHUB_TOKEN }
  key: { file: ~/.config/key, required: false }
outputs:
  greeting: ${{ steps.Make_It.outputs.greeting }}
steps:
  Make_It:
    run: echo "greeting=hi" >> "$WF_OUTPUT"
    timeout: 90s
    retry: { limit: 2, when: [transient, lock], backoff: { delay: 10s, factor: 1.5, max-delay: 2m } }
  use:
    needs: [Make_It]
    continue-on-error: true
    run: echo "${{ steps.Make_It.outputs.greeting }}"
)yaml");
  wf.file = "dir/deploy.yaml";
  argo::ExportOptions opt;
  opt.image = "reg/wf:1";
  opt.namespace_ = "ci";
  opt.inputs = core::Value(core::Value::Object{{"smoke", false}, {"env", "staging"}, {"who", "me"}});
  opt.file_text = "name: x\n";
  auto ex = argo::export_workflow(wf, opt);
  const auto& w = ex.workflow;
  CHECK(get(get(w, "metadata"), "generateName").as_string().rfind("deploy-test-", 0) == 0);
  CHECK(get(get(w, "metadata"), "namespace").as_string() == "ci");
  const auto& spec = get(w, "spec");
  const auto& params = get(get(spec, "arguments"), "parameters");
  CHECK(get(named(params, "smoke"), "value").as_string() == "false");
  CHECK(get(named(params, "env"), "enum").as_array().size() == 2);
  const auto& templates = get(spec, "templates");
  const auto& main = named(templates, "main");
  std::string make = argo::k8s_name("Make_It");
  const auto& out = named(get(get(main, "outputs"), "parameters"), "greeting");
  CHECK(get(get(out, "valueFrom"), "parameter").as_string() == "{{tasks." + make + ".outputs.parameters.greeting}}");
  const auto& tasks = get(get(main, "dag"), "tasks");
  const auto& use = named(tasks, "use");
  CHECK(get(use, "depends").as_string() == make + ".Succeeded");
  // Argo refuses continueOn next to depends: wf step exits 0 on the last failure instead.
  for (const auto& [k, v] : use.as_object()) CHECK(k != "continueOn");

  const auto& mt = named(templates, make);
  CHECK(get(mt, "activeDeadlineSeconds").as_string() == "120");
  const auto& retry = get(mt, "retryStrategy");
  CHECK(get(retry, "limit").as_string() == "2");
  CHECK(get(retry, "expression").as_string() == "asInt(lastRetry.exitCode) in [75, 77]");
  CHECK(get(get(retry, "backoff"), "duration").as_string() == "10s");
  CHECK(get(get(retry, "backoff"), "factor").as_string() == "2");
  CHECK(get(get(retry, "backoff"), "cap").as_string() == "120s");
  const auto& outputs = get(get(mt, "outputs"), "parameters");
  CHECK(get(get(named(outputs, "greeting"), "valueFrom"), "path").as_string() == "/tmp/wf-outputs/greeting");
  CHECK(get(get(named(outputs, "wf-outcome"), "valueFrom"), "default").as_string().empty());
  const auto& c = get(mt, "container");
  CHECK(get(c, "image").as_string() == "reg/wf:1");
  const auto& env = get(c, "env");
  const auto& ref = get(get(named(env, "GITHUB_TOKEN"), "valueFrom"), "secretKeyRef");
  CHECK(get(ref, "key").as_string() == "gh");
  CHECK(get(ref, "name").as_string() == get(get(w, "metadata"), "generateName").as_string() + "secrets");

  const auto& ut = named(templates, "use");
  std::string args = core::to_json(get(get(ut, "container"), "args"));
  CHECK_THAT(args, Contains(R"(["step","/work/deploy.yaml","use","--run-id","{{workflow.uid}}")"));
  CHECK_THAT(args, Contains(R"("-i","smoke={{workflow.parameters.smoke}}")"));
  CHECK_THAT(args, Contains(R"("--need-outcome","Make_It={{inputs.parameters.outcome-)" + make + "}}\""));
  CHECK_THAT(args, Contains(R"("--need","Make_It.greeting={{inputs.parameters.need-0}}")"));
  std::string targs = core::to_json(get(use, "arguments"));
  CHECK_THAT(targs, Contains("{{tasks." + make + ".outputs.parameters.wf-outcome}}"));
  CHECK_THAT(targs, Contains("{{tasks." + make + ".outputs.parameters.greeting}}"));
  CHECK(ex.notes.empty());
}

TEST_CASE("argo: what cannot be mapped is named in the notes", "[argo]") {
  auto wf = load_ok(std::string(kInputs) + R"yaml(outputs:
  both: "${{ steps.a.outputs.x }}-${{ steps.a.outputs.y }}"
steps:
  a: { run: x, timeout-total: 5m }
  b: { needs: [a], if: "inputs.who == 'me'", run: x }
)yaml");
  auto ex = argo::export_workflow(wf, {});
  std::string all;
  for (const auto& n : ex.notes) all += n + "\n";
  CHECK_THAT(all, Contains("outputs.both: not exported"));
  CHECK_THAT(all, Contains("a: timeout-total is not exported"));
  CHECK_THAT(all, Contains("b: if: inputs.who == 'me' is evaluated by wf step"));
}

TEST_CASE("argo: the YAML has both documents and keeps strings strings", "[argo]") {
  auto wf = load_ok(std::string(kInputs) + "steps:\n  a: { run: x }\n");
  argo::ExportOptions opt;
  opt.inputs = core::Value(core::Value::Object{{"smoke", true}});
  opt.file_text = "name: x\nsteps: {}\n";
  auto text = argo::to_yaml(argo::export_workflow(wf, opt));
  CHECK_THAT(text, Contains("kind: \"ConfigMap\""));
  CHECK_THAT(text, Contains("\n---\n"));
  CHECK_THAT(text, Contains("value: \"true\""));
  CHECK_THAT(text, Contains("|\n    name: x\n    steps: {}\n"));
}

TEST_CASE("argo: continue-on-error: no continueOn, --retries when retried, PHASE/OUTCOME for status readers",
          "[argo]") {
  auto wf = load_ok(std::string(kInputs) + R"yaml(steps:
  a: { run: x, continue-on-error: true, retry: { limit: 2 } }
  b: { needs: [a], run: x }
  c: { needs: [b], if: "always() && steps.a.outcome == 'failure'", run: x }
)yaml");
  wf.file = "wf.yaml";
  argo::ExportOptions opt;
  opt.file_text = "name: x\n";
  auto ex = argo::export_workflow(wf, opt);
  const auto& templates = get(get(ex.workflow, "spec"), "templates");
  const auto& tasks = get(get(named(templates, "main"), "dag"), "tasks");
  for (const auto& t : tasks.as_array())
    for (const auto& [k, v] : t.as_object()) CHECK(k != "continueOn");
  CHECK(get(named(tasks, "b"), "depends").as_string() == "(a.Succeeded || a.Failed)");
  CHECK_THAT(core::to_json(get(get(named(templates, "a"), "container"), "args")),
             Contains(R"("--retries","{{retries}}")"));
  CHECK_THAT(core::to_json(get(get(named(templates, "b"), "container"), "args")), !Contains("--retries"));
  // b ran (its depends says so): its wf-outcome; a, read by a status step: phase/outcome.
  std::string bargs = core::to_json(get(named(tasks, "b"), "arguments"));
  CHECK_THAT(bargs, Contains(R"("{{tasks.a.outputs.parameters.wf-outcome}}")"));
  std::string cargs = core::to_json(get(named(tasks, "c"), "arguments"));
  CHECK_THAT(cargs, Contains(R"("{{tasks.a.status}}/{{tasks.a.outputs.parameters.wf-outcome}}")"));
  CHECK_THAT(cargs, Contains(R"("{{tasks.b.status}}")"));
}

TEST_CASE("argo: a static matrix is withItems, a matrix from an output is withParam", "[argo][matrix]") {
  auto wf = load_ok(R"yaml(steps:
  discover:
    run: echo 'list=[{"c":"x"}]' >> "$WF_OUTPUT"
  deploy:
    matrix: { cluster: [a, b], include: [{ cluster: a, canary: true }] }
    max-parallel: 1
    run: echo "${{ matrix.cluster }}"
  smoke:
    needs: [discover, deploy]
    matrix: ${{ fromJSON(steps.discover.outputs.list) }}
    fail-fast: false
    run: echo "${{ matrix.c }} ${{ steps.deploy.outputs.url }}"
  other:
    needs: [discover]
    matrix: ${{ fromJSON(format('[{0}]', steps.discover.outputs.list)) }}
    fail-fast: false
    run: echo
)yaml");
  auto ex = argo::export_workflow(wf, {});
  const auto& templates = get(get(ex.workflow, "spec"), "templates");
  const auto& tasks = get(get(named(templates, "main"), "dag"), "tasks");
  const auto& deploy = named(tasks, "deploy");
  CHECK(core::to_json(get(deploy, "withItems")) == R"([{"cluster":"a","canary":true},{"cluster":"b"}])");
  CHECK(core::to_json(get(deploy, "arguments")) == R"({"parameters":[{"name":"wf-matrix","value":"{{item}}"}]})");
  std::string args = core::to_json(get(get(named(templates, "deploy"), "container"), "args"));
  CHECK_THAT(args, Contains(R"("--matrix","{{inputs.parameters.wf-matrix}}")"));
  const auto& smoke = named(tasks, "smoke");
  CHECK(get(smoke, "withParam").as_string() == "{{tasks.discover.outputs.parameters.list}}");
  // The list reaches Argo: discover exports it.
  const auto& outputs = get(get(named(templates, "discover"), "outputs"), "parameters");
  CHECK(get(get(named(outputs, "list"), "valueFrom"), "path").as_string() == "/tmp/wf-outputs/list");
  std::string all;
  for (const auto& n : ex.notes) all += n + "\n";
  CHECK_THAT(all, Contains("deploy: max-parallel is not exported"));
  CHECK_THAT(all, Contains("deploy: fail-fast is not exported"));
  CHECK_THAT(all, Contains("other: matrix is not exported"));
  for (const auto& [k, v] : named(tasks, "other").as_object()) CHECK(k != "withParam");
}

TEST_CASE("argo: a matrix from fromJSON(inputs.X) is withParam of the workflow parameter", "[argo][matrix]") {
  auto wf = load_ok(R"yaml(inputs:
  clusters: { default: '["a","b"]' }
  targets: { default: '[{"c":"x"}]' }
steps:
  render:
    matrix: { cluster: "${{ fromJSON(inputs.clusters) }}" }
    run: echo "${{ matrix.cluster }}"
  smoke:
    matrix: ${{ fromJSON(inputs.targets) }}
    run: echo "${{ matrix.c }}"
)yaml");
  auto ex = argo::export_workflow(wf, {});
  const auto& templates = get(get(ex.workflow, "spec"), "templates");
  const auto& tasks = get(get(named(templates, "main"), "dag"), "tasks");
  const auto& render = named(tasks, "render");
  CHECK(get(render, "withParam").as_string() == "{{workflow.parameters.clusters}}");
  CHECK(core::to_json(get(render, "arguments")) ==
        R"({"parameters":[{"name":"wf-matrix","value":"{\"cluster\": \"{{item}}\"}"}]})");
  const auto& smoke = named(tasks, "smoke");
  CHECK(get(smoke, "withParam").as_string() == "{{workflow.parameters.targets}}");
  CHECK(core::to_json(get(smoke, "arguments")) == R"({"parameters":[{"name":"wf-matrix","value":"{{item}}"}]})");
  for (const auto& note : ex.notes) CHECK(note.find("not exported (only") == std::string::npos);
}
