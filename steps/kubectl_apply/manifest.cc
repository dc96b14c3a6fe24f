#include "steps/kubectl_apply/manifest.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "runner/core/strings.h"
#include "runner/step_api/yaml.h"

namespace wf::steps::kubectl_apply {

namespace fs = std::filesystem;

std::string Manifest::group() const {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? std::string() : api_version.substr(0, slash);
}

std::string Manifest::kubectl_name() const {
  std::string g = group();
  return core::to_lower(kind) + (g.empty() ? "" : "." + g) + "/" + name;
}

std::string Manifest::where() const {
  std::string w = source + ":" + std::to_string(line);
  if (document > 0) w += ", document " + std::to_string(document);
  if (item > 0) w += ", item " + std::to_string(item);
  return w;
}

namespace {

struct Chunk {
  std::string text;
  int first_line = 1;    // line of the chunk's first line in the source
  int content_line = 1;  // line of its first non-blank, non-comment line
};

// kubectl's YAMLReader: a line that starts with "---" and continues with only
// blanks or a comment ends a document ("--- {a: b}" is content to kubectl).
bool is_separator(std::string_view line) {
  if (line.substr(0, 3) != "---") return false;
  std::string_view rest = line.substr(3);
  size_t i = rest.find_first_not_of(" \t\r");
  return i == std::string_view::npos || rest[i] == '#';
}

bool is_blank_or_comment(std::string_view line) {
  size_t i = line.find_first_not_of(" \t\r");
  return i == std::string_view::npos || line[i] == '#';
}

std::vector<Chunk> split_documents(std::string_view text) {
  std::vector<Chunk> chunks(1);
  bool have_content = false;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() : end + 1;
    ++line_no;
    if (is_separator(line)) {
      chunks.push_back({});
      chunks.back().first_line = chunks.back().content_line = line_no + 1;
      have_content = false;
      continue;
    }
    Chunk& c = chunks.back();
    if (!have_content && !is_blank_or_comment(line) && line != "...") {
      c.content_line = line_no;
      have_content = true;
    }
    c.text.append(line);
    c.text.push_back('\n');
  }
  return chunks;
}

using step_api::YamlNode;

// Fills the identity of one object; an error names what is missing.
std::string describe(const YamlNode& node, Manifest& m) {
  if (!node.is_map()) return "is not a Kubernetes object (a YAML mapping)";
  m.api_version = node.scalar_at("apiVersion");
  m.kind = node.scalar_at("kind");
  if (m.api_version.empty()) return "has no apiVersion";
  if (m.kind.empty()) return "has no kind";
  if (const YamlNode* meta = node.find("metadata"); meta && meta->is_map()) {
    m.name = meta->scalar_at("name");
    m.namespace_ = meta->scalar_at("namespace");
  }
  if (m.name.empty())
    return m.kind + " has no metadata.name (kubectl apply cannot apply generateName objects)";
  if (m.is_crd()) {
    if (const YamlNode* spec = node.find("spec"); spec && spec->is_map()) {
      m.crd_group = spec->scalar_at("group");
      if (const YamlNode* names = spec->find("names"); names && names->is_map()) m.crd_kind = names->scalar_at("kind");
      m.crd_cluster_scoped = spec->scalar_at("scope") == "Cluster";
    }
  }
  return {};
}

bool is_list(const YamlNode& node) {
  if (!node.is_map()) return false;
  std::string kind = node.scalar_at("kind");
  const YamlNode* items = node.find("items");
  return kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && items && items->is_sequence();
}

}  // namespace

core::Expected<std::vector<Manifest>, ManifestProblem> parse_manifests(std::string_view text, const std::string& source) {
  std::vector<Manifest> out;
  int document = 0;
  for (const Chunk& chunk : split_documents(text)) {
    auto parsed = step_api::parse_yaml(chunk.text);
    if (!parsed) {
      // The parser may point just past the end (an unclosed bracket): the last line then.
      int last = static_cast<int>(std::count(chunk.text.begin(), chunk.text.end(), '\n')) - 1;
      bool past_end = parsed.error().line > std::max(last, 0);
      int line = chunk.first_line + std::clamp(parsed.error().line, 0, std::max(last, 0));
      return core::unexpected(
          ManifestProblem{line, past_end ? 0 : parsed.error().column + 1, 0, 0, "invalid YAML: " + parsed.error().message});
    }
    const YamlNode& node = *parsed;
    if (node.is_null() || (node.is_map() && node.entries.empty())) continue;
    ++document;
    if (!is_list(node)) {
      Manifest m;
      m.text = chunk.text;
      m.source = source;
      m.document = document;
      m.line = chunk.content_line;
      if (std::string err = describe(node, m); !err.empty())
        return core::unexpected(ManifestProblem{chunk.content_line, 0, document, 0, err});
      out.push_back(std::move(m));
      continue;
    }
    int item = 0;
    for (const YamlNode& child : node.find("items")->items) {
      ++item;
      Manifest m;
      m.source = source;
      m.document = document;
      m.item = item;
      m.line = chunk.first_line + child.line;
      if (std::string err = describe(child, m); !err.empty())
        return core::unexpected(ManifestProblem{chunk.content_line, 0, document, item, err});
      m.text = step_api::emit_yaml(child) + "\n";
      out.push_back(std::move(m));
    }
  }
  // A single-document source needs no "document 1" in messages.
  if (document == 1)
    for (auto& m : out) m.document = 0;
  return out;
}

core::Expected<std::vector<Manifest>, std::string> split_manifests(std::string_view text, const std::string& source) {
  auto docs = parse_manifests(text, source);
  if (docs) return std::move(*docs);
  const ManifestProblem& p = docs.error();
  std::string at = source + ":" + std::to_string(p.line);
  if (p.document > 0) at += " (document " + std::to_string(p.document) + ")";
  if (p.item > 0) at += ", item " + std::to_string(p.item);
  return core::unexpected(at + ": " + p.message);
}

std::string ManifestProblem::text() const {
  std::string where;
  if (document > 0) where = "document " + std::to_string(document);
  if (item > 0) where += ", item " + std::to_string(item);
  return where.empty() ? message : where + ": " + message;
}

namespace {

bool has_manifest_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// filepath.Walk's order: each directory's entries sorted by name, depth first.
void walk(const fs::path& dir, const std::string& shown, std::vector<std::string>& out) {
  std::vector<fs::directory_entry> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename().string() < b.path().filename().string(); });
  for (const auto& e : entries) {
    std::string name = shown + "/" + e.path().filename().string();
    if (e.is_directory())
      walk(e.path(), name, out);
    else if (e.is_regular_file() && has_manifest_extension(e.path()))
      out.push_back(name);
  }
}

}  // namespace

core::Expected<std::vector<std::string>, std::string> manifest_files(const std::string& path,
                                                                     const std::string& base) {
  if (path == "-") return core::unexpected(std::string("files: '-' (standard input) is not allowed; name files or directories"));
  fs::path full = fs::path(path).is_absolute() ? fs::path(path) : fs::path(base) / path;
  std::error_code ec;
  auto status = fs::status(full, ec);
  if (ec || !fs::exists(status)) return core::unexpected("files: " + path + " does not exist");
  std::vector<std::string> out;
  if (!fs::is_directory(status)) return std::vector<std::string>{path};
  std::string shown = path;
  while (shown.size() > 1 && shown.back() == '/') shown.pop_back();
  try {
    walk(full, shown, out);
  } catch (const fs::filesystem_error& e) {
    return core::unexpected("files: " + path + ": " + e.code().message());
  }
  return out;
}

bool is_cluster_scoped(const Manifest& m, const std::vector<Manifest>& all) {
  static const std::vector<std::string> kClusterKinds = {
      "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
      "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
      "APIService", "Node", "IngressClass", "RuntimeClass", "PodSecurityPolicy", "CSIDriver", "CSINode",
      "VolumeAttachment", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
      "ComponentStatus", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"};
  for (const auto& crd : all)
    if (crd.is_crd() && crd.crd_kind == m.kind && crd.crd_group == m.group()) return crd.crd_cluster_scoped;
  return std::find(kClusterKinds.begin(), kClusterKinds.end(), m.kind) != kClusterKinds.end();
}

std::string object_ref(const Manifest& m, const std::vector<Manifest>& all, const std::string& default_namespace) {
  std::string ns = m.namespace_;
  if (ns.empty() && !is_cluster_scoped(m, all)) ns = default_namespace;
  return m.kind + "/" + (ns.empty() ? "" : ns + "/") + m.name;
}

}  // namespace wf::steps::kubectl_apply
