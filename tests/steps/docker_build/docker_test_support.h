#pragma once
// Shared by the docker-build tests against the real engine: a build context
// with busybox, `wf run` of a workflow in a temp dir with DOCKER_HOST and a
// HOME of the test's own, and what the run left in .wf.

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fixtures/docker/docker_engine.h"
#include "tests/support/command.h"

namespace wf::test {

using json = nlohmann::json;

/// A Dockerfile that needs nothing pulled: stage `base` has busybox and
/// /greeting from the build arg GREETING; stage `final` fails, so building
/// it shows that `target: base` stopped before it.
inline const char* const kMultiStage = R"(# two stages, FROM scratch
FROM scratch AS base
COPY busybox /bin/busybox
ARG GREETING=hello
RUN ["/bin/busybox", "sh", "-c", "echo $GREETING > /greeting"]

FROM base AS final
RUN ["/bin/busybox", "false"]
)";

/// dir/ctx with the Dockerfile and busybox.
inline void write_context(const TempDir& dir, const std::string& dockerfile, const std::string& name = "ctx") {
  dir.write(name + "/Dockerfile", dockerfile);
  DockerEngine::add_busybox(dir.path() + "/" + name);
}

struct WfRun {
  CommandResult r;
  std::string run_dir;
  json report;  // null when absent
  std::string all() const { return r.out + r.err; }
  json step(const std::string& id) const {
    if (report.is_object() && report.contains("steps"))
      for (const auto& s : report["steps"])
        if (s.value("id", "") == id) return s;
    return nullptr;
  }
  std::string logs() const {
    std::string out;
    if (!run_dir.empty())
      for (const auto& f : files_under(run_dir + "/logs")) out += read_file(f);
    return out;
  }
};

/// The newest run under dir/.wf.
inline void read_run(const TempDir& dir, WfRun& w) {
  auto runs = run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return;
  w.run_dir = runs.back();
  w.report = json::parse(read_file(w.run_dir + "/report.json"), nullptr, false);
  if (w.report.is_discarded()) w.report = nullptr;
}

/// DOCKER_HOST of the shared engine and HOME = dir/home (so a test can
/// see what a run left in HOME).
inline std::map<std::string, std::string> docker_env(const TempDir& dir) {
  std::filesystem::create_directories(dir.path() + "/home");
  return {{"DOCKER_HOST", DockerEngine::shared().host()}, {"HOME", dir.path() + "/home"}};
}

inline WfRun wf_run(const TempDir& dir, const std::vector<std::string>& args,
                    std::map<std::string, std::string> env = {}, int timeout_s = 180) {
  auto all_env = docker_env(dir);
  for (auto& [k, v] : env) all_env[k] = v;
  WfRun w;
  w.r = run_wf_local(args, dir.path(), all_env, timeout_s);
  read_run(dir, w);
  return w;
}

/// Whether any file under `root` holds `text`.
inline std::vector<std::string> files_containing(const std::string& root, const std::string& text) {
  std::vector<std::string> found;
  for (const auto& f : files_under(root))
    if (read_file(f).find(text) != std::string::npos) found.push_back(f);
  return found;
}

/// "name:tag" tags unique to this test process, e.g. "app-12345-t1".
inline std::string unique_repo(const std::string& base) {
  static int n = 0;
  return base + "-" + std::to_string(getpid()) + "-" + std::to_string(++n);
}

}  // namespace wf::test
