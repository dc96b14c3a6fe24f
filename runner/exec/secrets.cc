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

core::Expected<core::Value, std::vector<std::string>> load_secrets(const model::Workflow& wf) {
  std::vector<std::string> errors;
  core::Value::Object out;
  for (const auto& s : wf.secrets) {
    std::string value;
    bool found = false;
    if (s.env) {
      if (const char* v = std::getenv(s.env->c_str())) {
        value = v;
        found = true;
      } else if (s.required) {
        errors.push_back("secret '" + s.name + "' is not set: export " + *s.env + " before running");
      }
    } else if (s.file) {
      std::string path = expand_home(*s.file);
      std::error_code ec;
      bool exists = std::filesystem::exists(path, ec);
      std::ifstream in;
      if (exists && std::filesystem::is_directory(path, ec)) {
        // Reading a folder gives nothing: that is not an empty secret.
        errors.push_back("secret '" + s.name + "': " + path + " is a folder, not a file");
      } else if (exists && (in.open(path, std::ios::binary), !in)) {
        errors.push_back("secret '" + s.name + "' cannot be read from " + path + ": " + std::strerror(errno));
      } else if (exists) {
        std::stringstream ss;
        ss << in.rdbuf();
        value = ss.str();
        if (in.bad()) errors.push_back("secret '" + s.name + "' cannot be read from " + path);
        if (!value.empty() && value.back() == '\n') value.pop_back();
        if (!value.empty() && value.back() == '\r') value.pop_back();
        found = true;
      } else if (s.required) {
        errors.push_back("secret '" + s.name + "' cannot be read from " + path + ": no such file");
      }
    }
    out.emplace_back(s.name, found ? core::Value(value) : core::Value(""));
  }
  if (!errors.empty()) return core::unexpected(std::move(errors));
  return core::Value(std::move(out));
}

}  // namespace wf::exec
