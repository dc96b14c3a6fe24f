#pragma once
// The named values expressions see during a run.

#include <map>
#include <string>

#include "runner/core/value.h"
#include "runner/expr/expr.h"
#include "runner/model/workflow.h"

namespace wf::exec {

/// What every expression of the run may read, apart from the step-specific
/// parts: inputs, secrets, the workflow's env (resolved), git, and the wf
/// context's run-wide members.
struct RunValues {
  core::Value inputs;
  core::Value secrets;
  core::Value env;              // the workflow's env: (resolved), an object
  core::Value git;
  std::string run_id;
  std::string workflow;
};

/// The named values for one attempt of a step: `steps` holds, for each
/// finished step, {outputs, outcome, conclusion}; `env` is the workflow env
/// overlaid by `step_env`; `wf.attempt` is `attempt`.
/// `matrix`, when not null, is the instance's `matrix` context.
core::Value step_named_values(const RunValues& run, const core::Value& steps, const core::Value& step_env,
                              int attempt, const core::Value& matrix = core::Value());

/// The run's values, built once by every command that resolves steps (`wf
/// run`, `wf plan`, `wf step`): the workflow's env: is resolved against
/// inputs, secrets, git and wf. Fails with the env's FILE:LINE:COL message.
core::Expected<RunValues, std::string> make_run_values(const model::Workflow& wf, core::Value inputs,
                                                       core::Value secrets, core::Value git, std::string run_id);

/// Resolves a list of env params (workflow or step env:) to an object of strings.
core::Expected<core::Value, std::string> resolve_env(const std::vector<std::pair<std::string, model::Param>>& env,
                                                     const expr::EvalContext& ctx);

}  // namespace wf::exec
