#include "tests/steps/helm_template/helm_test_support.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <stdexcept>

namespace wf::test {

namespace fs = std::filesystem;

namespace {

const char* version_of(int major) { return major == 3 ? "3.17.3" : "4.1.4"; }

bool is_major(const std::string& helm, int major) {
  if (helm.empty() || ::access(helm.c_str(), X_OK) != 0) return false;
  CommandResult r = run_command({helm, "version", "--short"});
  return r.exit_code == 0 && r.out.rfind("v" + std::to_string(major) + ".", 0) == 0;
}

std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "";
  for (size_t start = 0; start <= rest.size();) {
    size_t end = rest.find(':', start);
    if (end == std::string::npos) end = rest.size();
    std::string candidate = rest.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

}  // namespace

std::string helm_binary(int major) {
  std::string var = "WF_HELM" + std::to_string(major);
  if (const char* v = std::getenv(var.c_str()); v && *v) {
    if (!is_major(v, major)) throw std::runtime_error(var + "=" + v + " is not an executable helm " + std::to_string(major));
    return v;
  }
  const char* cache = std::getenv("WF_CACHE_DIR");
  const char* home = std::getenv("HOME");
  std::string cached = (cache && *cache ? std::string(cache) : std::string(home ? home : "") + "/.cache/wf") + "/helm/" +
                       version_of(major) + "/helm";
  if (is_major(cached, major)) return cached;
  const char* env_helm = std::getenv("WF_HELM");
  if (env_helm && is_major(env_helm, major)) return env_helm;
  if (std::string p = on_path("helm"); is_major(p, major)) return p;
  throw std::runtime_error("helm " + std::to_string(major) + " not found (looked at $" + var + ", " + cached +
                           ", $WF_HELM and PATH): run scripts/tools/helm.sh (or scripts/test.sh), or set " + var);
}

std::string copy_data(const TempDir& dir, const std::string& name) {
  fs::path from = fs::path(WF_SOURCE_DIR) / "tests/steps/helm_template/data" / name;
  fs::path to = fs::path(dir.path()) / name;
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  return to.string();
}

std::string helm_direct(const std::string& helm, const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {helm};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult r = run_command(argv, dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

WfResult run_wf_with_helm(const TempDir& dir, const std::string& helm, const std::vector<std::string>& args) {
  WfResult w;
  w.r = run_wf(args, dir.path(), {{"WF_HELM", helm}}, 120);
  auto runs = run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return w;
  w.report = json::parse(read_file(runs.back() + "/report.json"), nullptr, false);
  for (const auto& f : files_under(runs.back() + "/logs")) w.log += read_file(f);
  return w;
}

std::string last_summary(const WfResult& w, const std::string& id) {
  json attempts = w.step(id)["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("summary", "") : "";
}

std::string last_class(const WfResult& w, const std::string& id) {
  json attempts = w.step(id)["attempts"];
  return attempts.is_array() && !attempts.empty() ? attempts.back().value("class", "") : "";
}

}  // namespace wf::test
