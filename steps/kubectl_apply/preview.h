#pragma once
// What `wf plan` shows for a kubectl-apply step: `kubectl diff` of the
// objects it can diff, and the list of those it cannot show yet.

#include <string>
#include <vector>

#include "runner/core/expected.h"

#include "runner/step_api/step_type.h"
#include "steps/kubectl_apply/applier.h"

namespace wf::steps::kubectl_apply {

/// The objects `kubectl diff` cannot show yet because their kind's CRD or
/// their namespace is in the bundle but not on the cluster (kubectl diff
/// stops at the first of them). One `kubectl get ... --ignore-not-found`.
/// The error says what kubectl said when it fails.
core::Expected<std::vector<int>, std::string> objects_to_defer(const Kubectl& kubectl,
                                                               const std::vector<Manifest>& all,
                                                               const ApplySettings& settings);

/// `kubectl diff` (server-side with `server-side`) of every object that can
/// be diffed, followed by the deferred ones. changes: kubectl diff exited 1
/// for a group, or something is deferred. A failed preview (`error` set,
/// naming the object) when kubectl diff fails (exit > 1), is cancelled or runs out of time.
step_api::StepPreview diff_preview(const Kubectl& kubectl, const std::vector<Manifest>& all,
                                   const ApplySettings& settings);

}  // namespace wf::steps::kubectl_apply
