#include "runner/exec/step_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include "runner/core/files.h"
#include "runner/core/output_file.h"

namespace wf::exec {
namespace {

struct FileVar {
  const char* file;
  const char* wf_name;
  const char* github_name;
};
constexpr FileVar kFiles[] = {{"env", "WF_ENV", "GITHUB_ENV"},
                              {"path", "WF_PATH", "GITHUB_PATH"},
                              {"summary", "WF_STEP_SUMMARY", "GITHUB_STEP_SUMMARY"}};

using core::read_small_file;

core::Value read_env(const std::string& path, std::vector<std::string>& errors) {
  auto entries = core::parse_output_file(read_small_file(path, 16 * 1024 * 1024));
  if (!entries) {
    errors.push_back("malformed $GITHUB_ENV: " + entries.error());
    return core::Value();
  }
  core::Value::Object env;
  for (auto& [name, value] : *entries) {
    if (name == "NODE_OPTIONS") {  // the runner refuses it too
      errors.push_back("$GITHUB_ENV cannot set NODE_OPTIONS");
      continue;
    }
    env.emplace_back(name, core::Value(value));
  }
  return core::Value(std::move(env));
}

core::Value read_path(const std::string& path) {
  core::Value::Array dirs;
  std::istringstream in(read_small_file(path, 1024 * 1024));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) dirs.emplace_back(line);
  }
  return core::Value(std::move(dirs));
}

}  // namespace

bool prepare_step_files(const std::string& attempt_dir, std::map<std::string, std::string>& env) {
  env.erase("GITHUB_OUTPUT");
  env.erase("GITHUB_STATE");
  bool ok = true;
  for (const FileVar& f : kFiles) {
    std::string path = attempt_dir + "/" + f.file;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::close(fd) != 0) ok = false;
    env[f.wf_name] = path;
    env[f.github_name] = path;
  }
  return ok;
}

StepFileContents read_step_files(const std::string& attempt_dir) {
  StepFileContents out;
  core::Value env = read_env(attempt_dir + "/env", out.errors);
  core::Value path = read_path(attempt_dir + "/path");
  bool has_env = env.is_object() && !env.as_object().empty();
  if (has_env || !path.as_array().empty()) {
    out.exports = core::Value(core::Value::Object{
        {"env", has_env ? env : core::Value(core::Value::Object{})}, {"path", path}});
  }
  bool cut = false;
  out.summary = read_small_file(attempt_dir + "/summary", kMaxStepSummary, &cut);
  if (cut) {
    size_t end = out.summary.size();
    while (end > 0 && (static_cast<unsigned char>(out.summary[end - 1]) & 0xC0) == 0x80) --end;
    if (end > 0) --end;  // the lead byte of the character cut short
    out.summary.resize(out.summary.rfind('\n', end) == std::string::npos ? 0 : out.summary.rfind('\n', end));
    out.summary += "\n\n_(cut: the step's summary is larger than 1 MiB)_\n";
  }
  return out;
}

void apply_exports(const std::vector<core::Value>& exports, const model::Step& step,
                   std::map<std::string, std::string>& env) {
  auto own = [&](const std::string& name) {
    for (const auto& [k, v] : step.env)
      if (k == name) return true;
    return false;
  };
  std::string prefix;
  for (const core::Value& e : exports) {
    if (!e.is_object()) continue;
    if (const core::Value* vars = e.find("env"); vars && vars->is_object())
      for (const auto& [k, v] : vars->as_object())
        if (v.is_string() && !own(k)) env[k] = v.as_string();
    if (const core::Value* dirs = e.find("path"); dirs && dirs->is_array())
      for (const auto& d : dirs->as_array())
        if (d.is_string()) prefix = d.as_string() + ":" + prefix;
  }
  if (!prefix.empty()) {
    auto it = env.find("PATH");
    env["PATH"] = it == env.end() || it->second.empty() ? prefix.substr(0, prefix.size() - 1)
                                                        : prefix + it->second;
  }
}

}  // namespace wf::exec
