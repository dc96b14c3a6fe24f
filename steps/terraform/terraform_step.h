#pragma once
// `terraform`: init, plan, apply (of that plan), destroy and outputs of one
// configuration directory, with failures classified from terraform's output.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Drives the terraform CLI (found in PATH of the step's environment) in
/// `dir`: `init -input=false`, an optional `workspace select -or-create`,
/// then by `action`:
///   apply   plan -detailed-exitcode -out=<attempt dir>/tfplan, then apply
///           of exactly that plan, then `output -json` as step outputs;
///   plan    the plan alone: outputs `changes` (true|false) and `plan-file`
///           (exit code 2 is success with changes);
///   destroy destroy -auto-approve;
///   init    init (and the workspace) only;
///   output  `output -json` as step outputs.
/// Variables go by environment (TF_VAR_*), a backend-config map by a file in
/// the attempt directory: no value reaches a command line. Sensitive outputs
/// are registered as secrets before they are returned. A state lock held by
/// someone else is FailureClass::kLock, network and throttling errors are
/// kTransient, the rest kPermanent. Cancellation stops terraform with SIGINT
/// first (ctx.stop), which lets it release its state lock. Stateless.
class TerraformStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  /// init, then `plan -detailed-exitcode` into ctx.attempt_dir; the text is
  /// the plan as terraform prints it. Throws std::runtime_error (with the
  /// classified message) when terraform fails.
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
