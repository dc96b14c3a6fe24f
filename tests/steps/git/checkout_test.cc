// `git` action checkout against real repositories: clone into a new folder,
// fetch and check out in an existing one, local changes (shallow clones:
// git_depth_test.cc).

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/steps/git/git_fixture.h"

using wf::core::FailureClass;
using wf::test::read_file;
using wf::test::TempDir;
using namespace wf::test::gitfx;
namespace fs = std::filesystem;

namespace {

std::string checkout(const std::string& repo, const std::string& ref, const std::string& extra = "") {
  std::string with = R"({"action":"checkout","repo":")" + repo + R"(","dir":"src")";
  if (!ref.empty()) with += R"(,"ref":")" + ref + R"(")";
  return with + extra + "}";
}

std::string head_ref(const std::string& dir) {
  auto r = wf::test::run_command({"git", "symbolic-ref", "-q", "HEAD"}, dir);
  return r.exit_code == 0 ? r.out.substr(0, r.out.find('\n')) : "detached";
}

}  // namespace

TEST_CASE("git checkout: a tag into a new folder, then a branch into the same folder", "[git]") {
  Origin o;
  std::string v1 = o.commit("app.yaml", "version: 1\n", "v1");
  git(o.work, {"tag", "-a", "v1.0", "-m", "release 1"});
  git(o.work, {"checkout", "-qb", "dev"});
  std::string dev = o.commit("app.yaml", "version: 2\n", "v2 on dev");
  git(o.work, {"push", "-q", "origin", "main", "dev", "--tags"});
  TempDir w;

  auto tag = run_step(checkout(o.bare, "v1.0"), w.path());
  INFO(tag.result.summary << "\n" << tag.log);
  REQUIRE(tag.result.ok);
  CHECK(tag.output("sha") == v1);
  CHECK(tag.output("ref") == "refs/tags/v1.0");
  CHECK(tag.output("dir") == w.path() + "/src");
  CHECK(read_file(w.path() + "/src/app.yaml") == "version: 1\n");
  CHECK(head_ref(w.path() + "/src") == "detached");
  CHECK(rev(w.path() + "/src") == v1);
  CHECK(tag.result.summary.find("cloned") != std::string::npos);

  auto branch = run_step(checkout(o.bare, "dev"), w.path());
  INFO(branch.result.summary << "\n" << branch.log);
  REQUIRE(branch.result.ok);
  CHECK(branch.result.summary.find("fetched") != std::string::npos);
  CHECK(branch.output("sha") == dev);
  CHECK(branch.output("ref") == "refs/heads/dev");
  CHECK(read_file(w.path() + "/src/app.yaml") == "version: 2\n");
  CHECK(head_ref(w.path() + "/src") == "refs/heads/dev");
  CHECK(git(w.path() + "/src", {"rev-parse", "--abbrev-ref", "dev@{upstream}"}) == "origin/dev\n");
  CHECK(git(w.path() + "/src", {"status", "--porcelain"}).empty());
}

TEST_CASE("git checkout: the second run fetches what was pushed since", "[git]") {
  Origin o;
  TempDir w;
  auto first = run_step(checkout(o.bare, "main"), w.path());
  REQUIRE(first.result.ok);
  CHECK(first.output("sha") == rev(o.work));
  std::string next = o.commit("new.txt", "new\n", "next");
  git(o.work, {"push", "-q"});
  auto second = run_step(checkout(o.bare, "main"), w.path());
  INFO(second.result.summary << "\n" << second.log);
  REQUIRE(second.result.ok);
  CHECK(second.output("sha") == next);
  CHECK(read_file(w.path() + "/src/new.txt") == "new\n");
  // no ref: the remote's default branch
  auto dflt = run_step(checkout(o.bare, ""), w.path());
  REQUIRE(dflt.result.ok);
  CHECK(dflt.output("ref") == "refs/heads/main");
}

TEST_CASE("git checkout: a commit sha, full or abbreviated, is checked out detached", "[git]") {
  Origin o;
  std::string first = rev(o.work);
  o.commit("b.txt", "b\n", "second");
  git(o.work, {"push", "-q"});
  TempDir w;
  auto r = run_step(checkout(o.bare, first.substr(0, 8)), w.path());
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE(r.result.ok);
  CHECK(r.output("sha") == first);
  CHECK(r.output("ref") == first);
  CHECK_FALSE(fs::exists(w.path() + "/src/b.txt"));
  CHECK(head_ref(w.path() + "/src") == "detached");
}

TEST_CASE("git checkout: local changes in the way fail permanent unless clean, which resets them", "[git]") {
  Origin o;
  git(o.work, {"tag", "old"});
  o.commit("README.md", "newer\n", "change readme");
  git(o.work, {"push", "-q", "origin", "main", "--tags"});
  TempDir w;
  REQUIRE(run_step(checkout(o.bare, "main"), w.path()).result.ok);
  std::string src = w.path() + "/src";
  FILE* f = fopen((src + "/README.md").c_str(), "w");
  fputs("edited here\n", f);
  fclose(f);
  f = fopen((src + "/stray.txt").c_str(), "w");
  fputs("untracked\n", f);
  fclose(f);

  auto r = run_step(checkout(o.bare, "old"), w.path());
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find("README.md") != std::string::npos);
  CHECK(read_file(src + "/README.md") == "edited here\n");

  auto c = run_step(checkout(o.bare, "old", R"(,"clean":true)"), w.path());
  INFO(c.result.summary << "\n" << c.log);
  REQUIRE(c.result.ok);
  CHECK(read_file(src + "/README.md") == "hello\n");
  CHECK_FALSE(fs::exists(src + "/stray.txt"));
  CHECK(git(src, {"status", "--porcelain"}).empty());
}

TEST_CASE("git checkout: an unknown ref, and a folder holding another repository, are permanent", "[git]") {
  Origin o;
  TempDir w;
  auto r = run_step(checkout(o.bare, "no-such-branch"), w.path());
  CHECK_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find("no-such-branch") != std::string::npos);

  Origin other;
  TempDir w2;
  REQUIRE(run_step(checkout(other.bare, "main"), w2.path()).result.ok);
  auto wrong = run_step(checkout(o.bare, "main"), w2.path());
  CHECK_FALSE(wrong.result.ok);
  CHECK(wrong.result.summary.find("is a clone of") != std::string::npos);

  TempDir x;
  x.write("src/file.txt", "not a repo\n");
  auto busy = run_step(checkout(o.bare, "main"), x.path());
  CHECK_FALSE(busy.result.ok);
  CHECK(busy.result.summary.find("is no git clone") != std::string::npos);
}

TEST_CASE("git checkout: the default folder is the repository's name", "[git]") {
  Origin o;
  TempDir w;
  auto r = run_step(R"({"action":"checkout","repo":")" + o.bare + R"("})", w.path());
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE(r.result.ok);
  CHECK(r.output("dir") == w.path() + "/origin");
  CHECK(fs::exists(w.path() + "/origin/README.md"));
}

TEST_CASE("git checkout: preview says what it would clone or fetch", "[git]") {
  Origin o;
  TempDir w;
  auto p = run_step(checkout(o.bare, "main"), w.path(), true);
  REQUIRE(p.preview);
  CHECK(p.preview->text.find("would clone " + o.bare) != std::string::npos);
  CHECK_FALSE(fs::exists(w.path() + "/src"));
}
