#include "steps/kubectl_apply/manifest.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

#include "runner/core/strings.h"

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

std::string scalar_at(const YAML::Node& map, const char* key) {
  YAML::Node v = map[key];
  return v && v.IsScalar() ? v.Scalar() : std::string();
}

bool is_null_plain(const YAML::Node& n) {
  static constexpr std::array<std::string_view, 5> kNulls = {"", "~", "null", "Null", "NULL"};
  return n.Tag() == "?" && std::find(kNulls.begin(), kNulls.end(), n.Scalar()) != kNulls.end();
}

// Writes a node back as YAML keeping what its scalars mean: a scalar that was
// quoted (tag "!") stays a string even if it looks like a number or a bool.
void emit(YAML::Emitter& out, const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out << YAML::Null;
      break;
    case YAML::NodeType::Scalar:
      if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str")
        out << YAML::DoubleQuoted << n.Scalar();
      else if (is_null_plain(n))
        out << YAML::Null;
      else
        out << n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      out << YAML::BeginSeq;
      for (const auto& item : n) emit(out, item);
      out << YAML::EndSeq;
      break;
    case YAML::NodeType::Map:
      out << YAML::BeginMap;
      for (const auto& kv : n) {
        out << YAML::Key;
        emit(out, kv.first);
        out << YAML::Value;
        emit(out, kv.second);
      }
      out << YAML::EndMap;
      break;
  }
}

// Fills the identity of one object; an error names what is missing.
std::string describe(const YAML::Node& node, Manifest& m) {
  if (!node.IsMap()) return "is not a Kubernetes object (a YAML mapping)";
  m.api_version = scalar_at(node, "apiVersion");
  m.kind = scalar_at(node, "kind");
  if (m.api_version.empty()) return "has no apiVersion";
  if (m.kind.empty()) return "has no kind";
  YAML::Node meta = node["metadata"];
  if (meta && meta.IsMap()) {
    m.name = scalar_at(meta, "name");
    m.namespace_ = scalar_at(meta, "namespace");
  }
  if (m.name.empty())
    return m.kind + " has no metadata.name (kubectl apply cannot apply generateName objects)";
  if (m.is_crd()) {
    YAML::Node spec = node["spec"];
    if (spec && spec.IsMap()) {
      m.crd_group = scalar_at(spec, "group");
      if (YAML::Node names = spec["names"]; names && names.IsMap()) m.crd_kind = scalar_at(names, "kind");
      m.crd_cluster_scoped = scalar_at(spec, "scope") == "Cluster";
    }
  }
  return {};
}

bool is_list(const YAML::Node& node) {
  if (!node.IsMap()) return false;
  std::string kind = scalar_at(node, "kind");
  YAML::Node items = node["items"];
  return kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && items && items.IsSequence();
}

}  // namespace

core::Expected<std::vector<Manifest>, std::string> split_manifests(std::string_view text, const std::string& source) {
  std::vector<Manifest> out;
  int document = 0;
  for (const Chunk& chunk : split_documents(text)) {
    YAML::Node node;
    try {
      node = YAML::Load(chunk.text);
    } catch (const YAML::Exception& e) {
      // yaml-cpp may point just past the end (an unclosed bracket): the last line then.
      int last = static_cast<int>(std::count(chunk.text.begin(), chunk.text.end(), '\n')) - 1;
      int line = chunk.first_line + (e.mark.is_null() ? 0 : std::clamp(e.mark.line, 0, std::max(last, 0)));
      return core::unexpected(source + ":" + std::to_string(line) + ": invalid YAML: " + e.msg);
    }
    if (!node || node.IsNull() || (node.IsMap() && node.size() == 0)) continue;
    ++document;
    std::string at = source + ":" + std::to_string(chunk.content_line) + " (document " + std::to_string(document) + ")";
    if (!is_list(node)) {
      Manifest m;
      m.text = chunk.text;
      m.source = source;
      m.document = document;
      m.line = chunk.content_line;
      if (std::string err = describe(node, m); !err.empty()) return core::unexpected(at + ": " + err);
      out.push_back(std::move(m));
      continue;
    }
    int item = 0;
    for (const auto& child : node["items"]) {
      ++item;
      Manifest m;
      m.source = source;
      m.document = document;
      m.item = item;
      m.line = child.Mark().is_null() ? chunk.content_line : chunk.first_line + child.Mark().line;
      if (std::string err = describe(child, m); !err.empty())
        return core::unexpected(at + ", item " + std::to_string(item) + ": " + err);
      YAML::Emitter e;
      emit(e, child);
      m.text = std::string(e.c_str()) + "\n";
      out.push_back(std::move(m));
    }
  }
  // A single-document source needs no "document 1" in messages.
  if (document == 1)
    for (auto& m : out) m.document = 0;
  return out;
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
