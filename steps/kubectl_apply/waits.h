#pragma once
// Waiting for what a kubectl-apply step applied: CRDs established before the
// objects that use them, and (with `wait: rollout`) workloads rolled out.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runner/core/value.h"
#include "steps/kubectl_apply/applier.h"

namespace wf::steps::kubectl_apply {

/// Why one CRD is not usable yet, from its status (a parsed CRD object):
/// empty when Established and NamesAccepted are both True, else e.g.
/// "NamesAccepted=False (ListKindConflict: \"WidgetList\" is already in use)".
std::string crd_not_ready_reason(const core::Value& crd);

/// From the output of `kubectl get customresourcedefinitions NAMES -o json`
/// (one object, or a List): each of `names` that is not ready, with why
/// ("not found" when it is missing). Empty when all are ready.
std::map<std::string, std::string> crds_not_ready(const std::string& json, const std::vector<std::string>& names);

/// Polls `kubectl get crd NAMES -o json` (one call for all of them, quickly
/// at first) until every CRD is Established with its names accepted, or the
/// deadline passes (class timeout, naming each CRD that is not ready and why).
std::optional<Failure> wait_established(const Kubectl& kubectl, const std::vector<std::string>& names,
                                        const std::string& timeout_text);

/// `kubectl rollout status` for the Deployments, StatefulSets and DaemonSets
/// among `indices`, until each has rolled out or the deadline passes.
std::optional<Failure> wait_rollouts(const Kubectl& kubectl, const std::vector<Manifest>& all,
                                     const std::vector<int>& indices, const ApplySettings& settings);

}  // namespace wf::steps::kubectl_apply
