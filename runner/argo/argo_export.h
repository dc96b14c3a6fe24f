#pragma once
// `wf export argo`: a workflow as a ConfigMap (the file) and an Argo
// `Workflow` whose entrypoint DAG has one task per step, each running
// `wf step`. The mapping and what is exact are specified in docs/argo.md.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"
#include "runner/model/workflow.h"

namespace wf::argo {

struct ExportOptions {
  std::string image = "wf:latest";
  std::string namespace_;        // "": none
  std::string secret_name;       // "": <name>-secrets
  std::string workdir = "/work";
  std::string state_claim;       // "": state stays in the pod
  core::Value inputs;            // object: parameter defaults (resolved inputs)
  std::string file_text;         // the workflow file, for the ConfigMap
  /// The files its workflow steps call (path relative to the workflow
  /// file's directory -> text): in the ConfigMap too, mounted at that path.
  std::map<std::string, std::string> called_files;
};

struct Export {
  core::Value config_map;        // the two objects, as JSON-like trees
  core::Value workflow;
  /// What could not be mapped exactly (one line each, "STEP: ..."): the
  /// caller prints them on stderr.
  std::vector<std::string> notes;
};

/// Maps the workflow. Never fails for a valid workflow: what Argo cannot
/// express is left to `wf step` and named in `notes`.
Export export_workflow(const model::Workflow& wf, const ExportOptions& options);

/// Both objects as one multi-document YAML text ("---" between them).
std::string to_yaml(const Export& e);

/// A step id (or workflow name) as a Kubernetes/Argo name: lower case, `_`
/// → `-`, and when that changed anything (or the name is reserved, such as
/// "main"), `-` and 6 hex digits of the id's SHA-256; at most 63 characters.
/// Stable: the same id always gives the same name.
std::string k8s_name(std::string_view id);

/// How one step's `needs` and `if:` map: Argo's `depends` and `when`.
struct Gate {
  std::string depends;           // "" when the step has no needs
  std::string when;              // "" when none
  bool exact = true;             // false: the task may run where wf run would skip; wf step decides
  std::string why;               // when !exact
};
Gate map_gate(const model::Workflow& wf, size_t step_index);

}  // namespace wf::argo
