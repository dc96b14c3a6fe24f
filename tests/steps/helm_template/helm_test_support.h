#pragma once
// Shared by the helm-template tests that run the real helm (3 and 4): where
// each helm is, copies of the charts under data/, `helm template` run
// directly for comparison, and one test body run with both major versions.

#include <filesystem>
#include <string>
#include <vector>

#include "tests/steps/kubectl_apply/kube_test_support.h"

namespace wf::test {

/// The helm binary of major version 3 (3.17.3) or 4 (4.1.4): $WF_HELM3 /
/// $WF_HELM4 when set; else ${WF_CACHE_DIR:-$HOME/.cache/wf}/helm/VERSION/helm
/// (where scripts/tools/helm.sh puts it); else $WF_HELM, then `helm` on PATH,
/// when that is the same major version. Throws std::runtime_error saying how to
/// install it when none is found: a missing helm fails the test, it never skips.
std::string helm_binary(int major);

/// Copies tests/steps/helm_template/data/`name` (a chart or a values file) to
/// dir/`name`; returns the full path.
std::string copy_data(const TempDir& dir, const std::string& name);

/// `helm args...` run directly in `dir`, for the bytes the step must match.
/// REQUIREs success.
std::string helm_direct(const std::string& helm, const TempDir& dir, const std::vector<std::string>& args);

/// `wf run wf.yaml` (or another wf command) in `dir` with WF_HELM=helm.
WfResult run_wf_with_helm(const TempDir& dir, const std::string& helm, const std::vector<std::string>& args);

/// The last attempt's summary and class of step `id`.
std::string last_summary(const WfResult& w, const std::string& id);
std::string last_class(const WfResult& w, const std::string& id);

}  // namespace wf::test

/// One test body, `void body(int major)`, as two test cases: "helm 3: TITLE"
/// and "helm 4: TITLE" (tags [helm3] / [helm4]), so CTest lists and runs
/// each version on its own.
#define WF_HELM_TEST(title, body)                                                 \
  TEST_CASE("helm 3: " title, "[helm-template][helm3]") { body(3); }              \
  TEST_CASE("helm 4: " title, "[helm-template][helm4]") { body(4); }
