#include "steps/kubectl_apply/preview.h"

#include <set>
#include <stdexcept>

namespace wf::steps::kubectl_apply {

namespace {

std::string first_error(const KubectlRun& r, const std::string& dir, const ManifestFiles* files) {
  auto errors = parse_kubectl_errors(r.err, dir);
  if (errors.empty()) return describe_end(r.process);
  const auto& e = errors.front();
  std::string who = files && e.file_index >= 0 ? files->describe(e.file_index) + ": " : "";
  return who + kubectl_message(e.text);
}

}  // namespace

core::Expected<std::vector<int>, std::string> objects_to_defer(const Kubectl& kubectl,
                                                               const std::vector<Manifest>& all,
                                                               const ApplySettings& settings) {
  std::vector<std::string> query = {"get"};
  for (const auto& m : all)
    if (m.is_crd() || m.is_namespace())
      query.push_back((m.is_crd() ? "customresourcedefinitions/" : "namespaces/") + m.name);
  if (query.size() == 1) return std::vector<int>{};
  query.insert(query.end(), {"--ignore-not-found", "-o", "name"});
  KubectlRun r = kubectl.run(query, false);
  if (!r.ok()) return core::unexpected("kubectl get failed: " + first_error(r, "", nullptr));
  std::set<std::string> existing;
  for (auto& n : parse_applied_names(r.out)) existing.insert(n);

  std::set<std::pair<std::string, std::string>> missing_kinds;  // group, kind
  std::set<std::string> missing_namespaces;
  for (const auto& m : all) {
    if (existing.count(m.kubectl_name())) continue;
    if (m.is_crd()) missing_kinds.insert({m.crd_group, m.crd_kind});
    if (m.is_namespace()) missing_namespaces.insert(m.name);
  }
  std::vector<int> deferred;
  for (int i = 0; i < static_cast<int>(all.size()); ++i) {
    const Manifest& m = all[i];
    std::string ns = m.namespace_.empty() ? settings.namespace_ : m.namespace_;
    if (missing_kinds.count({m.group(), m.kind}) ||
        (!ns.empty() && missing_namespaces.count(ns) && !is_cluster_scoped(m, all)))
      deferred.push_back(i);
  }
  return deferred;
}

step_api::StepPreview diff_preview(const Kubectl& kubectl, const std::vector<Manifest>& all,
                                   const ApplySettings& settings) {
  auto to_defer = objects_to_defer(kubectl, all, settings);
  if (!to_defer) return step_api::StepPreview::failed(to_defer.error());
  const std::vector<int>& deferred = *to_defer;
  std::set<int> later(deferred.begin(), deferred.end());
  std::vector<int> diffable;
  for (int i = 0; i < static_cast<int>(all.size()); ++i)
    if (!later.count(i)) diffable.push_back(i);

  step_api::StepPreview preview;
  preview.changes = !deferred.empty();
  ManifestFiles files(all, settings);
  for (const auto& g : files.write(diffable, "diff")) {
    std::vector<std::string> args = {"diff", "-f", g.dir};
    args.insert(args.end(), g.ns_args.begin(), g.ns_args.end());
    if (settings.server_side) {
      args.insert(args.end(), {"--server-side", "--field-manager=" + settings.field_manager});
      if (settings.force_conflicts) args.push_back("--force-conflicts");
    }
    KubectlRun r = kubectl.run(args, false);
    if (r.cancelled() || r.timed_out())
      return step_api::StepPreview::failed("kubectl diff did not finish within " + settings.timeout_text);
    // kubectl diff: 0 no differences, 1 differences, more: an error.
    bool differences = r.process.started && r.process.signal == 0 && r.process.exit_code == 1;
    if (differences) {
      preview.changes = true;
      preview.text += r.out;
    } else if (!r.ok()) {
      return step_api::StepPreview::failed("kubectl diff failed: " + first_error(r, g.dir, &files));
    }
  }
  if (!deferred.empty()) {
    if (!preview.text.empty() && preview.text.back() != '\n') preview.text += "\n";
    preview.text += "would create once their CRDs or namespaces exist (kubectl diff cannot show them yet):\n";
    for (int i : deferred) preview.text += "  + " + files.describe(i) + "\n";
  }
  return preview;
}

}  // namespace wf::steps::kubectl_apply
