#pragma once
// `gh-dispatch`: trigger a GitHub Actions workflow (workflow_dispatch) through
// the REST API and follow the run it created to its end.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Dispatches `workflow` of `repo` at `ref` with `inputs`, exactly once per
/// step (see gh_dispatch/dispatcher.h: intent journalled in
/// <run_dir>/steps/<id>/dispatch.json, runs found rather than sent again),
/// then, with `wait`, polls the run until it completes; its conclusion
/// decides the step's outcome. Needs ctx.http. Outputs run-id, run-url,
/// html-url, conclusion; a "GitHub run" link. The token (with.token, else
/// GITHUB_TOKEN or GH_TOKEN in the step's env) is registered as a secret
/// before anything is logged and only ever sent in the Authorization header.
/// Stateless: run() may be called for several steps at once.
class GhDispatchStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  /// "would dispatch W on O/R@REF with inputs {...}"; sends nothing.
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
