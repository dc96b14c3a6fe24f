#pragma once
// Shared by the kubectl-apply tests against the real kube-apiserver: the
// GitOps bundle under data/, renamed per test so that tests can share one
// cluster, and `wf run` of a one-step workflow with its report.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fixtures/kube/kube_cluster.h"
#include "tests/support/command.h"

namespace wf::test {

using json = nlohmann::json;

/// The names a test's copy of data/gitops-bundle uses.
struct BundleNames {
  std::string suffix;      // "t3"
  std::string ns;          // "argocd-t3"
  std::string argo_group;  // "t3.argoproj.io"
  std::string es_group;    // "t3.external-secrets.io"
};

/// Copies data/gitops-bundle to dir/`to`, with every name made unique to this
/// test (namespace argocd -> argocd-SUFFIX, group argoproj.io ->
/// SUFFIX.argoproj.io, ...), so tests sharing a cluster do not meet.
inline BundleNames copy_bundle(const TempDir& dir, const std::string& to) {
  namespace fs = std::filesystem;
  BundleNames n;
  n.suffix = unique_suffix();
  n.ns = "argocd-" + n.suffix;
  n.argo_group = n.suffix + ".argoproj.io";
  n.es_group = n.suffix + ".external-secrets.io";
  fs::path from = fs::path(WF_SOURCE_DIR) / "tests/steps/kubectl_apply/data/gitops-bundle";
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    if (!e.is_regular_file()) continue;
    std::string text = read_file(e.path().string());
    auto replace_all = [&](const std::string& a, const std::string& b) {
      for (size_t at = text.find(a); at != std::string::npos; at = text.find(a, at + b.size())) text.replace(at, a.size(), b);
    };
    replace_all("argoproj.io", "@ARGO@");
    replace_all("external-secrets.io", "@ES@");
    replace_all("argocd", n.ns);
    replace_all("@ARGO@", n.argo_group);
    replace_all("@ES@", n.es_group);
    dir.write(to + "/" + fs::relative(e.path(), from).string(), text);
  }
  return n;
}

/// One `wf run` (or another wf command) in `dir` and what it left in dir/.wf.
struct WfResult {
  CommandResult r;
  double seconds = 0;
  json report;   // report.json of the newest run (null when absent)
  std::string log;  // the step's attempt logs, concatenated
  std::string all() const { return r.out + r.err; }
  /// The report's entry for step `id` (null when absent).
  json step(const std::string& id) const {
    if (report.is_object() && report.contains("steps"))
      for (const auto& s : report["steps"])
        if (s.value("id", "") == id) return s;
    return nullptr;
  }
};

inline WfResult run_wf_in(const TempDir& dir, const std::vector<std::string>& args, int timeout_s = 120) {
  WfResult w;
  auto start = std::chrono::steady_clock::now();
  w.r = run_wf(args, dir.path(), {}, timeout_s);
  w.seconds = seconds_since(start);
  auto runs = run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return w;
  w.report = json::parse(read_file(runs.back() + "/report.json"), nullptr, false);
  for (const auto& f : files_under(runs.back() + "/logs")) w.log += read_file(f);
  return w;
}

/// A one-step workflow file: `uses: kubectl-apply` with the given `with:` body
/// (YAML lines, indented by 6 spaces by the caller's text).
inline std::string kubectl_apply_workflow(const std::string& with_lines, const std::string& extra_step_keys = "") {
  return "name: kubectl-apply-test\n"
         "steps:\n"
         "  apply:\n"
         "    uses: kubectl-apply\n" +
         extra_step_keys +
         "    with:\n" + with_lines;
}

}  // namespace wf::test
