#pragma once
// YAML -> Workflow. yaml-cpp stays inside the model module.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/diagnostic.h"
#include "runner/core/param_spec.h"
#include "runner/model/workflow.h"

namespace wf::model {

struct LoadOptions {
  /// The schema of a step type, or nullptr if no such type exists. The
  /// binary passes the registry's lookup; tests pass their own.
  std::function<const core::StepSchema*(std::string_view type)> find_step_type;
  /// All step type names (for did-you-mean on an unknown `uses`).
  std::vector<std::string> step_type_names;
  /// Internal: the files whose workflow steps led to this load (absolute,
  /// outermost first), for "a cycle of workflow calls".
  std::vector<std::string> call_stack;
};

struct LoadResult {
  std::optional<Workflow> workflow;   // set when there are no errors
  /// What could be loaded despite errors (for checks that report more
  /// errors in the same pass, such as graph::check); set whenever the file
  /// parsed as a mapping.
  std::optional<Workflow> partial;
  core::Diagnostics diagnostics;      // every error found, sorted by position
  core::Diagnostics warnings;         // problems that do not stop a run, sorted by position
};

/// Reads and loads a workflow file. Never throws: an unreadable file, bad
/// YAML and every schema or expression error become diagnostics
/// ("FILE:LINE:COL: message"). Checks done here: YAML syntax, duplicate keys,
/// unknown keys (with did-you-mean), value types, `uses` xor `run`, unknown
/// step types, unknown or missing `with:` parameters and their static types,
/// `needs` naming no step, durations, retry policies, expressions (syntax and
/// named values), `inputs.X` naming no declared input, `secrets.X` naming no
/// declared secret. Graph checks (cycles, `steps.X` outside the transitive
/// needs) are graph::check().
LoadResult load_workflow_file(const std::string& path, const LoadOptions& options);

/// The largest workflow file load_workflow_file reads (8 MiB); larger files,
/// and anything that is not a regular file, are an error.
inline constexpr size_t kMaxWorkflowBytes = size_t{8} << 20;

/// The same from text; `file` is the name used in diagnostics.
LoadResult load_workflow_text(std::string_view text, const std::string& file, const LoadOptions& options);

}  // namespace wf::model
