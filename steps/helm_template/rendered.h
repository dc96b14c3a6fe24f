#pragma once
// Reading what helm prints: the rendered manifests (how many documents, which
// kinds), `helm show chart` (versions, dependencies), `helm dependency list`,
// and helm's error messages. Pure functions of text; yaml-cpp stays in here.

#include <string>
#include <vector>

#include "runner/core/expected.h"

namespace wf::steps::helm_template {

/// The documents of a rendered manifest stream.
struct ManifestSummary {
  int resources = 0;               // documents that are not empty (comments only do not count)
  std::vector<std::string> kinds;  // in order of first appearance
};

/// Reads one or more `---`-separated YAML documents. Fails with the YAML
/// parser's message (naming `source` and the line) when the text is not YAML.
core::Expected<ManifestSummary, std::string> summarize_manifests(const std::string& text, const std::string& source);

/// "1 resource", "14 resources".
std::string resources_phrase(int n);

/// Adds `more`'s documents and kinds to `into` (kinds stay unique, in order).
void add_summary(ManifestSummary& into, const ManifestSummary& more);

/// What `helm show chart` prints (a Chart.yaml), as far as the step needs it.
struct ChartInfo {
  std::string name;
  std::string version;
  std::string app_version;
  int dependencies = 0;   // entries of `dependencies:`
};
core::Expected<ChartInfo, std::string> parse_chart_yaml(const std::string& text);

/// From `helm dependency list`'s table: whether a dependency is not in
/// charts/ as Chart.yaml asks (status other than "ok" or "unpacked").
bool dependencies_missing(const std::string& dependency_list);

/// helm's error, on one line: stderr without the "Error: " prefix and the
/// "Use --debug flag ..." hint, its lines joined with single spaces. Keeps
/// helm's own `file:line:col` (helm 3: "template: CHART/templates/F.yaml:7:30:
/// executing ...", helm 4: "CHART/templates/F.yaml:7:30 executing ...").
std::string helm_error_message(const std::string& stderr_text);

/// Whether a failed `helm dependency build` looks like the network (a repository
/// that did not answer), which is worth retrying.
bool looks_transient(const std::string& message);

}  // namespace wf::steps::helm_template
