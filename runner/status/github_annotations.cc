#include "runner/status/github_annotations.h"

#include <cctype>
#include <filesystem>

namespace wf::status {

namespace fs = std::filesystem;

namespace {

// The runner reads property names case-insensitively; the last one wins.
const std::string* property(const core::WorkflowCommand& command, std::string_view key) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : command.properties) {
    if (k.size() != key.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(key[i]));
    if (same) found = &v;
  }
  return found;
}

}  // namespace

bool looks_like_command(std::string_view line) {
  if (line.find("##[") != std::string_view::npos) return true;
  size_t first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line.substr(first).starts_with("::");
}

bool is_annotation(std::string_view name) {
  return name == "error" || name == "warning" || name == "notice";
}

std::string workspace_relative(std::string_view file, std::string_view working_directory,
                               std::string_view workspace) {
  if (workspace.empty() || file.empty()) return std::string(file);
  fs::path path(file);
  if (path.is_relative()) {
    if (working_directory.empty()) return std::string(file);
    path = fs::path(working_directory) / path;
  }
  path = path.lexically_normal();
  fs::path rel = path.lexically_relative(fs::path(workspace).lexically_normal());
  if (rel.empty() || *rel.begin() == "..") return std::string(file);
  return rel.string();
}

core::WorkflowCommand step_annotation(const core::WorkflowCommand& command, std::string_view step_id,
                                      std::string_view working_directory, std::string_view workspace) {
  core::WorkflowCommand out;
  out.name = command.name;
  out.value = command.value;
  for (const char* key : {"file", "line", "endLine", "col", "endColumn"}) {
    const std::string* v = property(command, key);
    if (!v) continue;
    out.properties.emplace_back(key, std::string(key) == "file"
                                         ? workspace_relative(*v, working_directory, workspace)
                                         : *v);
  }
  const std::string* title = property(command, "title");
  out.properties.emplace_back("title", title && !title->empty() ? std::string(step_id) + ": " + *title
                                                                : std::string(step_id));
  return out;
}

}  // namespace wf::status
