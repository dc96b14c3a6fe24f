#pragma once
// `run`: a shell script, as a GitHub Actions `run:` step.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Runs `script` with `shell` (bash -eo pipefail by default). Expressions in
/// the script reach it only as environment variables (the executor rewrites
/// them, see ParamSpec::script). Outputs are what the script writes to
/// $WF_OUTPUT. A non-zero exit is a transient (retryable) failure unless the
/// script prints `::wf-failure-class::permanent` (or another class) first.
class RunStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
