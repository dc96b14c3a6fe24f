// `git` action require-pushed against real repositories: a bare origin and
// clones made with the git CLI, checked through the libgit2 adapter.

#include <catch2/catch.hpp>

#include <filesystem>

#include "runner/adapters/libgit2_repo.h"
#include "tests/steps/git/git_fixture.h"

using wf::core::FailureClass;
using wf::test::TempDir;
using namespace wf::test::gitfx;

namespace {

std::string require_pushed(const std::string& extra = "") {
  return R"({"action":"require-pushed")" + extra + "}";
}

}  // namespace

TEST_CASE("git require-pushed: a clean tree whose HEAD is on origin passes", "[git]") {
  Origin o;
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE(r.result.ok);
  CHECK(r.output("sha") == rev(o.work));
  CHECK(r.output("ref") == "refs/heads/main");
  CHECK(r.result.summary.find("origin/main") != std::string::npos);
}

TEST_CASE("git require-pushed: an unpushed commit fails permanent with its short sha and subject", "[git]") {
  Origin o;
  std::string sha = o.commit("app.yaml", "kind: A\n", "add the app manifest");
  auto r = run_step(require_pushed(), o.work);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find(sha.substr(0, 7) + " add the app manifest") != std::string::npos);
  CHECK(r.log.find(sha.substr(0, 7) + " add the app manifest") != std::string::npos);
  CHECK(r.result.summary.find("1 commit not on origin/main") != std::string::npos);
}

TEST_CASE("git require-pushed: modified, staged and untracked files are each listed, ignored ones and .wf/ are not",
          "[git]") {
  Origin o;
  o.commit(".gitignore", "*.log\n", "ignore logs");
  wf::test::gitfx::git(o.work, {"push", "-q"});
  auto write = [&](const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(o.work + "/" + name).parent_path());
    FILE* f = fopen((o.work + "/" + name).c_str(), "w");
    fputs(text.c_str(), f);
    fclose(f);
  };
  write("debug.log", "ignored\n");
  write(".wf/runs/1/journal.jsonl", "{}\n");
  write("deploy/.wf/lock", "x\n");
  auto clean = run_step(require_pushed(), o.work);
  INFO(clean.result.summary << "\n" << clean.log);
  CHECK(clean.result.ok);

  write("README.md", "changed\n");
  write("new/untracked.yaml", "a: 1\n");
  write("staged.yaml", "b: 2\n");
  wf::test::gitfx::git(o.work, {"add", "staged.yaml"});
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.log.find("modified: README.md") != std::string::npos);
  CHECK(r.log.find("untracked: new/untracked.yaml") != std::string::npos);
  CHECK(r.log.find("staged: staged.yaml") != std::string::npos);
  CHECK(r.log.find("debug.log") == std::string::npos);
  CHECK(r.log.find(".wf") == std::string::npos);
  CHECK(r.result.summary.find("3 files not committed") != std::string::npos);
}

TEST_CASE("git require-pushed: a local tracking ref moved to claim HEAD is pushed does not fool it", "[git]") {
  Origin o;
  std::string sha = o.commit("app.yaml", "kind: A\n", "not pushed");
  // The stale/forged tracking ref says origin/main is HEAD; the remote disagrees.
  wf::test::gitfx::git(o.work, {"update-ref", "refs/remotes/origin/main", "HEAD"});
  REQUIRE(rev(o.work, "origin/main") == sha);
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find(sha.substr(0, 7) + " not pushed") != std::string::npos);
}

TEST_CASE("git require-pushed: HEAD behind a remote that moved on passes, fetching without moving any ref", "[git]") {
  Origin o;
  std::string other = o.clone("other");
  std::string ahead = o.commit("b.txt", "b\n", "pushed from elsewhere", other);
  wf::test::gitfx::git(other, {"push", "-q"});
  std::string tracking = rev(o.work, "origin/main");
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE(r.result.ok);
  CHECK(rev(o.work, "origin/main") == tracking);  // no tracking ref was updated
  CHECK_FALSE(std::filesystem::exists(o.work + "/.git/FETCH_HEAD"));
  // and the remote's commit is now known locally
  CHECK(wf::test::run_command({"git", "cat-file", "-e", ahead}, o.work).exit_code == 0);
}

TEST_CASE("git require-pushed: paths limits the check to those files and the commits that change them", "[git]") {
  Origin o;
  o.commit("docs/notes.md", "n\n", "notes, not pushed");
  FILE* f = fopen((o.work + "/scratch.txt").c_str(), "w");
  fputs("x", f);
  fclose(f);
  auto ok = run_step(require_pushed(R"(,"paths":["argocd","chart/values.yaml"])"), o.work);
  INFO(ok.result.summary << "\n" << ok.log);
  CHECK(ok.result.ok);

  std::string sha = o.commit("argocd/app.yaml", "kind: Application\n", "argocd app");
  auto r = run_step(require_pushed(R"(,"paths":["argocd"])"), o.work);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.summary.find(sha.substr(0, 7) + " argocd app") != std::string::npos);
  CHECK(r.result.summary.find("notes, not pushed") == std::string::npos);
  CHECK(r.result.summary.find("scratch.txt") == std::string::npos);

  // paths relative to a step working directory below the root
  auto sub = run_step(require_pushed(R"(,"paths":["app.yaml"])"), o.work + "/argocd");
  CHECK_FALSE(sub.result.ok);
}

TEST_CASE("git require-pushed: a branch the remote lacks lists only the commits no remote branch has", "[git]") {
  Origin o;
  wf::test::gitfx::git(o.work, {"checkout", "-qb", "feature"});
  std::string sha = o.commit("f.txt", "f\n", "feature work");
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.log.find("branch feature does not exist on origin") != std::string::npos);
  CHECK(r.result.summary.find("1 commit not on origin/feature (" + sha.substr(0, 7) + " feature work)") !=
        std::string::npos);
  CHECK(r.result.summary.find("first commit") == std::string::npos);

  wf::test::gitfx::git(o.work, {"push", "-q", "-u", "origin", "feature"});
  CHECK(run_step(require_pushed(), o.work).result.ok);
  // an explicit branch: feature's commit is not on main
  auto main = run_step(require_pushed(R"(,"branch":"main")"), o.work);
  CHECK_FALSE(main.result.ok);
}

TEST_CASE("git require-pushed: an unreachable remote is transient", "[git]") {
  Origin o;
  wf::test::gitfx::git(o.work, {"remote", "set-url", "origin", "http://127.0.0.1:9/nobody/repo.git"});
  auto r = run_step(require_pushed(), o.work);
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kTransient);
}

TEST_CASE("git require-pushed: outside a repository, and a missing remote, are permanent", "[git]") {
  TempDir none;
  auto r = run_step(require_pushed(), none.path());
  CHECK_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find("not inside a git repository") != std::string::npos);

  Origin o;
  auto missing = run_step(require_pushed(R"(,"remote":"upstream")"), o.work);
  CHECK_FALSE(missing.result.ok);
  CHECK(missing.result.failure_class == FailureClass::kPermanent);
  CHECK(missing.result.summary.find("upstream") != std::string::npos);
}

TEST_CASE("git context: the remote URL is shown without credentials, and the root is known", "[git]") {
  Origin o;
  git(o.work, {"remote", "set-url", "origin", "https://x-access-token:Tk9secretvalue@example.test/o/r.git"});
  auto repo = wf::adapters::make_libgit2_repo();
  auto info = repo->describe(o.work);
  REQUIRE(info);
  CHECK(info->remote == "https://example.test/o/r.git");
  CHECK(info->workdir == o.work + "/");
}
