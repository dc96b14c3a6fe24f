#pragma once
// A TaskRunner for the emulator's unit tests: each task's behaviour is a
// function of its TaskRun (default: succeed with no files); every run is
// recorded.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/fixtures/argo/argo_emulator.h"
#include "tests/fixtures/argo/argo_manifest.h"

namespace wf::test::argo {

class FakeRunner : public TaskRunner {
 public:
  using Behaviour = std::function<AttemptResult(const TaskRun&)>;
  std::map<std::string, Behaviour> tasks;
  std::vector<TaskRun> runs;

  AttemptResult run(const TaskRun& run) override {
    runs.push_back(run);
    auto it = tasks.find(run.task);
    if (it != tasks.end()) return it->second(run);
    return ok();
  }

  const TaskRun* last_run_of(const std::string& task) const {
    const TaskRun* found = nullptr;
    for (const auto& r : runs)
      if (r.task == task) found = &r;
    return found;
  }

  static AttemptResult ok(std::map<std::string, std::string> files = {}) {
    AttemptResult r;
    r.phase = Phase::kSucceeded;
    r.exit_code = 0;
    r.files = std::move(files);
    return r;
  }
  static AttemptResult fail(int code) {
    AttemptResult r;
    r.phase = Phase::kFailed;
    r.exit_code = code;
    r.message = "Error (exit code " + std::to_string(code) + ")";
    return r;
  }
};

/// parse_manifest that must succeed.
inline Workflow manifest(const std::string& yaml) {
  auto wf = parse_manifest(yaml);
  if (!wf) throw std::runtime_error("bad test manifest: " + wf.error());
  return *wf;
}

/// emulate that must succeed (the workflow itself may fail).
inline WorkflowResult run_workflow(const Workflow& wf, TaskRunner& runner, const EmulatorOptions& options = {}) {
  auto r = emulate(wf, runner, options);
  if (!r) throw std::runtime_error("emulate refused: " + r.error());
  return *r;
}

/// A Workflow named "t" whose entrypoint "main" is a DAG of `tasks` (YAML
/// list items, indented 6), followed by `templates` (indented 2).
inline std::string dag_workflow(const std::string& tasks, const std::string& templates = "") {
  return "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: t}\nspec:\n  entrypoint: main\n"
         "  templates:\n  - name: main\n    dag:\n      tasks:\n" + tasks +
         "  - name: step\n    inputs: {parameters: [{name: x, default: ''}]}\n"
         "    container: {image: img, command: [sh, -c], args: ['echo {{inputs.parameters.x}}']}\n"
         "    outputs: {parameters: [{name: o, valueFrom: {path: /tmp/o, default: ''}}]}\n" + templates;
}

}  // namespace wf::test::argo
