#include "runner/exec/secrets.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wf::exec {

namespace {

std::string expand_home(const std::string& path) {
  if (path.rfind("~/", 0) != 0) return path;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + path.substr(1);
}

}  // namespace

core::Expected<std::optional<std::string>, std::string> load_secret(const model::SecretDecl& s) {
  if (s.env) {
    if (const char* v = std::getenv(s.env->c_str())) return std::optional<std::string>(v);
    if (s.required) return core::unexpected("secret '" + s.name + "' is not set: export " + *s.env + " before running");
    return std::optional<std::string>();
  }
  if (!s.file) return std::optional<std::string>();
  std::string path = expand_home(*s.file);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (s.required) return core::unexpected("secret '" + s.name + "' cannot be read from " + path + ": no such file");
    return std::optional<std::string>();
  }
  // Reading a folder gives nothing: that is not an empty secret.
  if (std::filesystem::is_directory(path, ec)) return core::unexpected("secret '" + s.name + "': " + path + " is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected("secret '" + s.name + "' cannot be read from " + path + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return core::unexpected("secret '" + s.name + "' cannot be read from " + path);
  std::string value = ss.str();
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  return std::optional<std::string>(std::move(value));
}

core::Expected<core::Value, std::vector<std::string>> load_secrets(const model::Workflow& wf) {
  std::vector<std::string> errors;
  core::Value::Object out;
  for (const auto& s : wf.secrets) {
    auto value = load_secret(s);
    if (!value) errors.push_back(value.error());
    out.emplace_back(s.name, core::Value(value && *value ? **value : std::string()));
  }
  if (!errors.empty()) return core::unexpected(std::move(errors));
  return core::Value(std::move(out));
}

}  // namespace wf::exec
