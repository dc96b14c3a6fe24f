// The emulator's DAG semantics with a fake TaskRunner: depends and
// dependencies, when, continueOn, outputs and parameters, secrets and
// volumes, and the DAG's phase, as Argo's controller decides them.
#include <catch2/catch.hpp>

#include "tests/argo/fake_runner.h"

using namespace wf::test::argo;

namespace {

std::string phase_of(const WorkflowResult& r, const std::string& task) {
  auto it = r.tasks.find(task);
  return it == r.tasks.end() ? "absent" : phase_name(it->second.phase);
}

}  // namespace

TEST_CASE("argo emulator: an output parameter flows into a dependent's arguments", "[argo]") {
  auto wf = manifest(dag_workflow(
      "      - {name: a, template: step}\n"
      "      - {name: b, template: step, depends: a,"
      " arguments: {parameters: [{name: x, value: 'got {{tasks.a.outputs.parameters.o}}'}]}}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::ok({{"/tmp/o", "hello\n"}}); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
  REQUIRE(runner.last_run_of("b"));
  CHECK(runner.last_run_of("b")->container.args == std::vector<std::string>{"echo got hello"});
  CHECK(r.tasks.at("a").outputs.at("o") == "hello");  // one trailing newline trimmed
  CHECK(r.order == std::vector<std::string>{"a", "b"});
}

TEST_CASE("argo emulator: a missing output file takes its default, without one the node errors", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step}\n      - {name: n, template: nodefault}\n",
                                  "  - name: nodefault\n    container: {image: img}\n"
                                  "    outputs: {parameters: [{name: o, valueFrom: {path: /tmp/none}}]}\n"));
  FakeRunner runner;
  auto r = run_workflow(wf, runner);
  CHECK(r.tasks.at("a").outputs.at("o") == "");
  CHECK(phase_of(r, "n") == "Error");
  CHECK(r.tasks.at("n").message.find("/tmp/none") != std::string::npos);
  CHECK(phase_name(r.phase) == std::string("Error"));
}

TEST_CASE("argo emulator: a failed dependency omits a task that depends on its bare name, down the chain", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step}\n"
                                  "      - {name: b, template: step, depends: a}\n"
                                  "      - {name: c, template: step, depends: b}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::fail(1); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "b") == "Omitted");
  CHECK(phase_of(r, "c") == "Omitted");
  CHECK(phase_name(r.phase) == std::string("Failed"));
  CHECK(r.message == "child 'c' failed");
  CHECK(runner.runs.size() == 1);
}

TEST_CASE("argo emulator: continueOn failed lets bare-name dependents run and the DAG succeed", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step, continueOn: {failed: true}}\n"
                                  "      - {name: b, template: step, dependencies: [a]}\n"
                                  "      - {name: leaf, template: step, continueOn: {failed: true}}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::fail(3); };
  runner.tasks["leaf"] = [](const TaskRun&) { return FakeRunner::fail(3); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "a") == "Failed");
  CHECK(phase_of(r, "b") == "Succeeded");
  CHECK(phase_of(r, "leaf") == "Failed");
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
}

TEST_CASE("argo emulator: without continueOn, a failed leaf fails the DAG", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: leaf, template: step}\n"));
  FakeRunner runner;
  runner.tasks["leaf"] = [](const TaskRun&) { return FakeRunner::fail(3); };
  CHECK(phase_name(run_workflow(wf, runner).phase) == std::string("Failed"));
}

TEST_CASE("argo emulator: depends on .Failed runs a handler, which makes the DAG succeed", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step}\n"
                                  "      - {name: on-fail, template: step, depends: a.Failed}\n"
                                  "      - {name: on-ok, template: step, depends: a.Succeeded}\n"
                                  "      - {name: always, template: step, depends: 'a.Succeeded || a.Failed || a.Errored'}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::fail(2); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "on-fail") == "Succeeded");
  CHECK(phase_of(r, "on-ok") == "Omitted");
  CHECK(phase_of(r, "always") == "Succeeded");
  // on-ok is an omitted leaf: it inherits a's Failed, so the DAG fails.
  CHECK(phase_name(r.phase) == std::string("Failed"));
}

TEST_CASE("argo emulator: task names with dashes work in depends expressions", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: my-task, template: step}\n"
                                  "      - {name: next, template: step, depends: '!my-task.Failed && my-task'}\n"));
  FakeRunner runner;
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "next") == "Succeeded");
}

TEST_CASE("argo emulator: when false skips a task, its outputs read as empty and bare dependents run", "[argo]") {
  std::string yaml = dag_workflow(
      "      - {name: a, template: step, when: '{{workflow.parameters.go}} == true'}\n"
      "      - {name: b, template: step, depends: a,"
      " arguments: {parameters: [{name: x, value: '[{{tasks.a.outputs.parameters.o}}] {{tasks.a.status}}'}]}}\n");
  yaml.replace(yaml.find("spec:\n"), 6, "spec:\n  arguments: {parameters: [{name: go, value: 'false'}]}\n");
  auto wf = manifest(yaml);
  FakeRunner runner;
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "a") == "Skipped");
  CHECK(r.tasks.at("a").message == "when 'false == true' evaluated false");
  REQUIRE(runner.last_run_of("b"));
  CHECK(runner.last_run_of("b")->container.args == std::vector<std::string>{"echo [] Skipped"});
  CHECK(phase_name(r.phase) == std::string("Succeeded"));

  EmulatorOptions go;
  go.parameters["go"] = "true";
  FakeRunner runner2;
  CHECK(phase_of(run_workflow(wf, runner2, go), "a") == "Succeeded");
}

TEST_CASE("argo emulator: when compares a dependency's output and status after substitution", "[argo]") {
  auto wf = manifest(dag_workflow(
      "      - {name: a, template: step}\n"
      "      - {name: yes, template: step, depends: a, when: \"'{{tasks.a.outputs.parameters.o}}' == 'x y'\"}\n"
      "      - {name: no, template: step, depends: a, when: '{{tasks.a.status}} != Succeeded'}\n"
      "      - {name: bad, template: step, depends: a, when: '{{tasks.a.outputs.parameters.o}} =='}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::ok({{"/tmp/o", "x y"}}); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "yes") == "Succeeded");
  CHECK(phase_of(r, "no") == "Skipped");
  CHECK(phase_of(r, "bad") == "Error");
}

TEST_CASE("argo emulator: fail-fast starts nothing new once a failure reaches a target", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step}\n"
                                  "      - {name: x, template: step}\n"
                                  "      - {name: y, template: step, depends: x}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::fail(1); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "x") == "Succeeded");
  CHECK(phase_of(r, "y") == "absent");
  CHECK(phase_name(r.phase) == std::string("Failed"));

  std::string yaml = dag_workflow("      - {name: a, template: step}\n      - {name: x, template: step}\n"
                                  "      - {name: y, template: step, depends: x}\n");
  yaml.replace(yaml.find("    dag:\n"), 9, "    dag:\n      failFast: false\n");
  FakeRunner runner2;
  runner2.tasks["a"] = [](const TaskRun&) { return FakeRunner::fail(1); };
  auto r2 = run_workflow(manifest(yaml), runner2);
  CHECK(phase_of(r2, "y") == "Succeeded");
  CHECK(phase_name(r2.phase) == std::string("Failed"));
}

TEST_CASE("argo emulator: workflow parameters, -p overrides and template inputs", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: step, arguments: {parameters: [{name: x, value: "
                                  "'{{workflow.parameters.p}}/{{workflow.name}}/{{workflow.uid}}'}]}}\n"
                                  "      - {name: b, template: needs-input}\n",
                                  "  - name: needs-input\n    inputs: {parameters: [{name: y}]}\n"
                                  "    container: {image: img, args: ['{{inputs.parameters.y}}']}\n");
  yaml.replace(yaml.find("metadata: {name: t}"), 19, "metadata: {generateName: t-}");
  yaml.replace(yaml.find("spec:\n"), 6, "spec:\n  arguments: {parameters: [{name: p, value: one}]}\n");
  auto wf = manifest(yaml);
  EmulatorOptions options;
  options.parameters["p"] = "two";
  options.uid = "u-1";
  FakeRunner runner;
  auto r = run_workflow(wf, runner, options);
  CHECK(runner.last_run_of("a")->container.args == std::vector<std::string>{"echo two/t-emu01/u-1"});
  CHECK(phase_of(r, "b") == "Error");
  CHECK(r.tasks.at("b").message == "inputs.parameters.y was not supplied");
}

TEST_CASE("argo emulator: an unresolvable task reference errors the task", "[argo]") {
  auto wf = manifest(dag_workflow("      - {name: a, template: step}\n"
                                  "      - {name: b, template: step, depends: a,"
                                  " arguments: {parameters: [{name: x, value: '{{tasks.a.outputs.parameters.nope}}'}]}}\n"));
  FakeRunner runner;
  auto r = run_workflow(wf, runner);
  CHECK(phase_of(r, "b") == "Error");
  CHECK(r.tasks.at("b").message == "Unable to resolve: {{tasks.a.outputs.parameters.nope}}");
}

TEST_CASE("argo emulator: env from a Secret reaches the pod, a missing Secret errors the node", "[argo]") {
  std::string tmpl =
      "  - name: secretive\n    container:\n      image: img\n      env:\n"
      "      - {name: PLAIN, value: '{{workflow.name}}'}\n"
      "      - name: TOKEN\n        valueFrom: {secretKeyRef: {name: creds, key: token}}\n";
  auto wf = manifest(dag_workflow("      - {name: a, template: secretive}\n", tmpl));
  EmulatorOptions options;
  options.secrets["creds"]["token"] = "s3cr3t";
  FakeRunner runner;
  auto r = run_workflow(wf, runner, options);
  CHECK(phase_of(r, "a") == "Succeeded");
  using Env = std::vector<std::pair<std::string, std::string>>;
  CHECK(runner.last_run_of("a")->env == Env{{"PLAIN", "t"}, {"TOKEN", "s3cr3t"}});

  FakeRunner runner2;
  auto r2 = run_workflow(wf, runner2);
  CHECK(phase_of(r2, "a") == "Error");
  CHECK(r2.tasks.at("a").message == "secret \"creds\" not found");
  CHECK(runner2.runs.empty());
}

TEST_CASE("argo emulator: a Secret document in the manifest is used (data is base64)", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: secretive}\n",
                                  "  - name: secretive\n    container:\n      image: img\n      env:\n"
                                  "      - name: TOKEN\n        valueFrom: {secretKeyRef: {name: creds, key: token}}\n");
  yaml += "---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\ndata: {token: aGVsbG8=}\n";
  FakeRunner runner;
  run_workflow(manifest(yaml), runner);
  REQUIRE(runner.last_run_of("a"));
  CHECK(runner.last_run_of("a")->env.at(0).second == "hello");
}

TEST_CASE("argo emulator: a ConfigMap volume is mounted with its keys as files", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: mounted}\n",
                                  "  - name: mounted\n    container:\n      image: img\n"
                                  "      volumeMounts: [{name: wf, mountPath: /wf}, {name: wf, mountPath: /one.yaml, subPath: w.yaml}]\n");
  yaml.replace(yaml.find("spec:\n"), 6, "spec:\n  volumes: [{name: wf, configMap: {name: files}}]\n");
  yaml += "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: files}\ndata: {w.yaml: 'name: x', other: y}\n";
  FakeRunner runner;
  auto r = run_workflow(manifest(yaml), runner);
  CHECK(phase_of(r, "a") == "Succeeded");
  const TaskRun* run = runner.last_run_of("a");
  REQUIRE(run);
  REQUIRE(run->mounts.size() == 2);
  CHECK(run->mounts[0].mount_path == "/wf");
  CHECK(run->mounts[0].files == std::map<std::string, std::string>{{"other", "y"}, {"w.yaml", "name: x"}});
  CHECK(run->mounts[1].files == std::map<std::string, std::string>{{"", "name: x"}});
}

TEST_CASE("argo emulator: the entrypoint's outputs come from its tasks when the DAG succeeds", "[argo]") {
  std::string yaml = dag_workflow("      - {name: a, template: step}\n");
  yaml.replace(yaml.find("    dag:\n"), 9,
               "    outputs: {parameters: [{name: final, valueFrom: {parameter: '{{tasks.a.outputs.parameters.o}}'}}]}\n"
               "    dag:\n");
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::ok({{"/tmp/o", "42"}}); };
  auto r = run_workflow(manifest(yaml), runner);
  CHECK(r.outputs == std::map<std::string, std::string>{{"final", "42"}});
  CHECK(result_json(r).find("\"final\": \"42\"") != std::string::npos);
}

TEST_CASE("argo emulator: Argo's DAG validation refuses continueOn and dependencies next to depends", "[argo]") {
  FakeRunner runner;
  auto mixed = emulate(manifest(dag_workflow("      - {name: a, template: step, continueOn: {failed: true}}\n"
                                             "      - {name: b, template: step, depends: a.Failed}\n")),
                       runner);
  REQUIRE_FALSE(mixed.ok());
  CHECK(mixed.error() ==
        "templates.main cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'");
  auto both = emulate(manifest(dag_workflow("      - {name: a, template: step}\n"
                                            "      - {name: b, template: step, dependencies: [a]}\n"
                                            "      - {name: c, template: step, depends: a}\n")),
                      runner);
  REQUIRE_FALSE(both.ok());
  CHECK(both.error() == "templates.main cannot use both 'depends' and 'dependencies' in the same DAG template");
  auto digit = emulate(manifest(dag_workflow("      - {name: a, template: step}\n"
                                             "      - {name: 1b, template: step, dependencies: [a]}\n")),
                       runner);
  REQUIRE_FALSE(digit.ok());
  CHECK(runner.runs.empty());
}

TEST_CASE("argo emulator: what it cannot run is refused by name", "[argo]") {
  FakeRunner runner;
  auto items = emulate(manifest(dag_workflow("      - {name: a, template: step, withSequence: {count: '2'}}\n")), runner);
  REQUIRE_FALSE(items.ok());
  CHECK(items.error() == "task a: not emulated: withSequence");
  auto unknown = emulate(manifest(dag_workflow("      - {name: a, template: step, depends: 'b && a'}\n")), runner);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error() == "task a depends on unknown task b");
  CHECK_FALSE(parse_manifest("kind: ConfigMap\nmetadata: {name: x}\n").ok());
}

TEST_CASE("argo emulator: withItems and withParam fan a task out, and outputs aggregate into JSON lists", "[argo]") {
  auto wf = manifest(dag_workflow(
      "      - {name: a, template: step, withItems: [{c: x, n: 1}, {c: y, n: 2}],"
      " arguments: {parameters: [{name: x, value: '{{item.c}}/{{item}}'}]}}\n"
      "      - {name: b, template: step, depends: a, withParam: '{{tasks.a.outputs.parameters.o}}',"
      " arguments: {parameters: [{name: x, value: '{{item}}'}]}}\n"));
  FakeRunner runner;
  for (const char* t : {"a-0", "a-1"})
    runner.tasks[t] = [](const TaskRun& r) {
      return FakeRunner::ok({{"/tmp/o", r.container.args[0].substr(5, 1)}});
    };
  auto r = run_workflow(wf, runner);
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
  REQUIRE(runner.last_run_of("a-1"));
  CHECK(runner.last_run_of("a-1")->container.args == std::vector<std::string>{R"(echo y/{"c":"y","n":2})"});
  CHECK(r.tasks.at("a").outputs.at("o") == R"(["x","y"])");
  REQUIRE(runner.last_run_of("b-1"));
  CHECK(runner.last_run_of("b-1")->container.args == std::vector<std::string>{"echo y"});
  runner.tasks["b-0"] = [](const TaskRun&) { return FakeRunner::fail(1); };
  auto failed = run_workflow(wf, runner);
  CHECK(phase_of(failed, "b") == "Failed");
  CHECK(failed.tasks.at("b").message == "child 'b-0' failed");
}

TEST_CASE("argo emulator: a task running a DAG template takes arguments as inputs and gives its outputs", "[argo]") {
  auto wf = manifest(dag_workflow(
      "      - {name: a, template: step}\n"
      "      - {name: inner, template: sub, depends: a.Succeeded,"
      " arguments: {parameters: [{name: p, value: '{{tasks.a.outputs.parameters.o}}'}]}}\n"
      "      - {name: c, template: step, depends: inner.Succeeded,"
      " arguments: {parameters: [{name: x, value: 'got {{tasks.inner.outputs.parameters.r}}'}]}}\n",
      "  - name: sub\n    inputs: {parameters: [{name: p}]}\n"
      "    outputs: {parameters: [{name: r, valueFrom: {parameter: '{{tasks.b.outputs.parameters.o}}'}}]}\n"
      "    dag:\n      tasks:\n"
      "      - {name: b, template: step, arguments: {parameters: [{name: x, value: 'in {{inputs.parameters.p}}'}]}}\n"));
  FakeRunner runner;
  runner.tasks["a"] = [](const TaskRun&) { return FakeRunner::ok({{"/tmp/o", "1"}}); };
  runner.tasks["b"] = [](const TaskRun&) { return FakeRunner::ok({{"/tmp/o", "2"}}); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_name(r.phase) == std::string("Succeeded"));
  REQUIRE(runner.last_run_of("b"));
  CHECK(runner.last_run_of("b")->container.args == std::vector<std::string>{"echo in 1"});
  CHECK(phase_name(r.tasks.at("inner").phase) == std::string("Succeeded"));
  CHECK(r.tasks.at("inner").outputs.at("r") == "2");
  CHECK(r.tasks.at("inner.b").outputs.at("o") == "2");
  REQUIRE(runner.last_run_of("c"));
  CHECK(runner.last_run_of("c")->container.args == std::vector<std::string>{"echo got 2"});
  CHECK(r.order == std::vector<std::string>{"a", "inner.b", "inner", "c"});
}

TEST_CASE("argo emulator: a failed task fails its nested DAG's node, and what depends on it is omitted", "[argo]") {
  auto wf = manifest(dag_workflow(
      "      - {name: inner, template: sub}\n"
      "      - {name: c, template: step, depends: inner.Succeeded}\n",
      "  - name: sub\n    dag:\n      tasks:\n      - {name: b, template: step}\n"
      "      - {name: d, template: step, depends: b.Succeeded}\n"));
  FakeRunner runner;
  runner.tasks["b"] = [](const TaskRun&) { return FakeRunner::fail(1); };
  auto r = run_workflow(wf, runner);
  CHECK(phase_name(r.phase) == std::string("Failed"));
  CHECK(phase_name(r.tasks.at("inner").phase) == std::string("Failed"));
  CHECK(phase_name(r.tasks.at("inner.d").phase) == std::string("Omitted"));
  CHECK(phase_name(r.tasks.at("c").phase) == std::string("Omitted"));
  CHECK_FALSE(runner.last_run_of("c"));
}
