#pragma once
// `kubectl-apply`: applies a bundle of manifests from nothing in one run —
// Namespaces and CRDs first, then (once every CRD is established) the rest.

#include "runner/step_api/step_type.h"

namespace wf::steps {

/// Applies files, a kustomization and/or inline manifests with kubectl:
///  1. Namespaces and CustomResourceDefinitions (`kubectl apply`, one call);
///  2. waits until every CRD applied is Established with NamesAccepted
///     (polling them together), unless `wait: none`;
///  3. everything else, with a discovery cache of the attempt's own so that
///     kubectl sees the new kinds (it refreshes once when a kind is unknown);
///  4. with `wait: rollout`, `kubectl rollout status` of its workloads.
/// Errors that mean "not ready yet" (no matches for kind, stale discovery, a
/// webhook not up, a server busy) are retried within the step, with backoff,
/// until `timeout` (then class transient); others fail at once naming the
/// object (Kind/namespace/name) and its source file and line. Outputs:
/// `applied`, `kinds`, `crds`. preview() runs `kubectl diff` for `wf plan`.
/// Stateless; run() may be called from several threads.
class KubectlApplyStep : public step_api::StepType {
 public:
  const core::StepSchema& schema() const override;
  step_api::StepResult run(step_api::StepContext& ctx) const override;
  std::optional<step_api::StepPreview> preview(step_api::StepContext& ctx) const override;
};

}  // namespace wf::steps
