#include "steps/helm_template/rendered.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

#include "runner/core/strings.h"

namespace wf::steps::helm_template {

core::Expected<ManifestSummary, std::string> summarize_manifests(const std::string& text, const std::string& source) {
  ManifestSummary s;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return core::unexpected(source + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                            ": not valid YAML: " + e.msg);
  }
  for (const auto& doc : docs) {
    if (!doc || doc.IsNull()) continue;
    ++s.resources;
    std::string kind;
    if (doc.IsMap() && doc["kind"] && doc["kind"].IsScalar()) kind = doc["kind"].Scalar();
    if (!kind.empty() && std::find(s.kinds.begin(), s.kinds.end(), kind) == s.kinds.end()) s.kinds.push_back(kind);
  }
  return s;
}

std::string resources_phrase(int n) { return std::to_string(n) + (n == 1 ? " resource" : " resources"); }

void add_summary(ManifestSummary& into, const ManifestSummary& more) {
  into.resources += more.resources;
  for (const auto& k : more.kinds)
    if (std::find(into.kinds.begin(), into.kinds.end(), k) == into.kinds.end()) into.kinds.push_back(k);
}

core::Expected<ChartInfo, std::string> parse_chart_yaml(const std::string& text) {
  ChartInfo info;
  try {
    YAML::Node chart = YAML::Load(text);
    if (!chart.IsMap()) return core::unexpected(std::string("Chart.yaml is not a map"));
    auto scalar = [&](const char* key) {
      return chart[key] && chart[key].IsScalar() ? chart[key].Scalar() : std::string();
    };
    info.name = scalar("name");
    info.version = scalar("version");
    info.app_version = scalar("appVersion");
    if (chart["dependencies"] && chart["dependencies"].IsSequence())
      info.dependencies = static_cast<int>(chart["dependencies"].size());
  } catch (const YAML::Exception& e) {
    return core::unexpected("Chart.yaml: " + std::string(e.what()));
  }
  return info;
}

bool dependencies_missing(const std::string& dependency_list) {
  std::istringstream in(dependency_list);
  std::string line;
  bool header = false;
  while (std::getline(in, line)) {
    std::string t = core::trim(line);
    if (t.rfind("NAME", 0) == 0) {
      header = true;
      continue;
    }
    if (!header || t.empty()) continue;
    // NAME VERSION REPOSITORY STATUS: the status is the last column ("wrong version" has a space).
    bool ok = t.size() >= 2 && (t.substr(t.size() - 2) == "ok" || (t.size() >= 8 && t.substr(t.size() - 8) == "unpacked"));
    if (!ok) return true;
  }
  return false;
}

std::string helm_error_message(const std::string& stderr_text) {
  std::istringstream in(stderr_text);
  std::string line;
  std::vector<std::string> parts;
  while (std::getline(in, line)) {
    std::string t = core::trim(line);
    if (t.empty() || t.rfind("Use --debug flag", 0) == 0) continue;
    if (t.rfind("WARNING:", 0) == 0 || t.rfind("walk.go:", 0) == 0) continue;
    if (t.rfind("Error: ", 0) == 0) {
      parts.clear();  // the error starts here; what came before was progress
      t = t.substr(7);
    }
    parts.push_back(t);
  }
  return core::join(parts, " ");
}

bool looks_transient(const std::string& message) {
  static const char* const kSigns[] = {"connection refused", "connection reset", "i/o timeout", "timeout awaiting",
                                       "TLS handshake timeout", "no such host", "temporary failure",
                                       "503 Service Unavailable", "502 Bad Gateway", "504 Gateway Timeout",
                                       "429 Too Many Requests", "context deadline exceeded"};
  for (const char* s : kSigns)
    if (message.find(s) != std::string::npos) return true;
  return false;
}

}  // namespace wf::steps::helm_template
