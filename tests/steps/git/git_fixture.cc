#include "tests/steps/git/git_fixture.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <mutex>

#include "runner/adapters/libgit2_repo.h"
#include "runner/core/json.h"
#include "steps/git/git_step.h"

namespace wf::test::gitfx {

namespace fs = std::filesystem;

namespace {

class RecordingLog : public step_api::StepLog {
 public:
  void line(Stream, std::string_view text) override {
    std::lock_guard<std::mutex> l(mu_);
    text_ += std::string(text) + "\n";
  }
  void add_secret(std::string_view value) override {
    std::lock_guard<std::mutex> l(mu_);
    secrets_.emplace_back(value);
  }
  std::mutex mu_;
  std::string text_;
  std::vector<std::string> secrets_;
};

}  // namespace

std::string git(const std::string& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git", "-c", "user.email=t@example.test", "-c", "user.name=t",
                                "-c", "init.defaultBranch=main", "-c", "protocol.file.allow=always"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv, cwd, {{"GIT_TERMINAL_PROMPT", "0"}});
  INFO("git " << (args.empty() ? "" : args[0]) << " failed (test setup needs git: apt-get install git)\n"
              << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string rev(const std::string& dir, const std::string& r) { return git(dir, {"rev-parse", r}).substr(0, 40); }

Origin::Origin() {
  bare = root.path() + "/origin.git";
  work = root.path() + "/work";
  git(root.path(), {"init", "-q", "--bare", "-b", "main", bare});
  git(root.path(), {"clone", "-q", bare, work});
  commit("README.md", "hello\n", "first commit");
  git(work, {"push", "-q", "-u", "origin", "main"});
}

std::string Origin::commit(const std::string& file, const std::string& content, const std::string& message,
                           const std::string& dir) {
  std::string d = dir.empty() ? work : dir;
  fs::create_directories(fs::path(d + "/" + file).parent_path());
  FILE* f = fopen((d + "/" + file).c_str(), "w");
  REQUIRE(f);
  fputs(content.c_str(), f);
  fclose(f);
  git(d, {"add", file});
  git(d, {"commit", "-qm", message});
  return rev(d);
}

std::string Origin::clone(const std::string& name) const {
  std::string d = root.path() + "/" + name;
  git(root.path(), {"clone", "-q", bare, d});
  return d;
}

std::string StepRun::output(const std::string& name) const {
  for (const auto& [k, v] : result.outputs)
    if (k == name) return v.is_string() ? v.as_string() : core::to_json(v);
  return "<absent>";
}

StepRun run_step(const std::string& with_json, const std::string& working_directory, bool preview) {
  static std::unique_ptr<services::GitRepo> repo = adapters::make_libgit2_repo();
  auto with = core::parse_json(with_json);
  REQUIRE(with);
  RecordingLog log;
  core::CancelToken cancel;
  step_api::StepContext ctx;
  ctx.step_id = "git";
  ctx.with = *with;
  ctx.working_directory = working_directory;
  ctx.log = &log;
  ctx.git = repo.get();
  ctx.cancel = &cancel;
  steps::GitStep step;
  StepRun out;
  if (preview) out.preview = step.preview(ctx);
  else out.result = step.run(ctx);
  out.log = log.text_;
  out.secrets = log.secrets_;
  return out;
}

}  // namespace wf::test::gitfx
