#pragma once
// A step's definition resolved against the run's values: what `wf run`
// gives the step type for each attempt and what `wf plan` previews.

#include <map>
#include <string>

#include "runner/core/expected.h"
#include "runner/exec/contexts.h"
#include "runner/model/workflow.h"
#include "runner/core/clock.h"
#include "runner/step_api/registry.h"

namespace wf::exec {

struct ResolvedStep {
  core::Value with = core::Value(core::Value::Object{});  // defaults applied, types checked
  std::map<std::string, std::string> env;     // base env + workflow env + step env + WF_EXPR_N
  std::string working_directory;              // absolute
  std::string hash;                           // of the definition, for --resume
};

/// Resolves `with:` (script parameters as environment references, see
/// script.h), `env:` and the working directory for one attempt. Errors name
/// the place in the file ("deploy.yaml:12:9: with.timeout: invalid duration").
/// `matrix` is an instance's `matrix` context (null for a plain step); it
/// is part of the hash, so each instance resumes on its own.
core::Expected<ResolvedStep, std::string> resolve_step(const model::Workflow& wf, const model::Step& step,
                                                       const step_api::Registry& registry, const RunValues& values,
                                                       const core::Value& steps_context, int attempt,
                                                       const std::map<std::string, std::string>& base_env,
                                                       const core::Value& matrix = core::Value());

/// What a step type's StepContext is made of, apart from the resolved step.
struct StepServices {
  step_api::StepLog* log = nullptr;
  services::ProcessRunner* processes = nullptr;
  services::HttpClient* http = nullptr;
  services::GitRepo* git = nullptr;
  const core::CancelToken* cancel = nullptr;
  core::Clock* clock = nullptr;
  services::StopPolicy stop;
};

/// The one way a StepContext is made (an attempt of `wf run`, a preview of
/// `wf plan`): the resolved step, its scratch directory and the services.
step_api::StepContext make_step_context(const model::Workflow& wf, const model::Step& step, const ResolvedStep& r,
                                        int attempt, std::string attempt_dir, const StepServices& services);

/// A stable hash (hex) of a text, for definitions.
std::string definition_hash(const std::string& text);

/// The first path parameter (ParamSpec::must_exist) whose file or folder is
/// missing when the step starts, as a message; "" when all are there. An
/// earlier step may create them, so this is checked again at run time.
std::string missing_path(const model::Step& step, const core::StepSchema& schema, const ResolvedStep& r);

}  // namespace wf::exec
