// The libgit2 adapter against real repositories made with the git CLI.

#include <catch2/catch.hpp>

#include "runner/adapters/libgit2_repo.h"
#include "tests/support/command.h"

using wf::test::run_command;
using wf::test::TempDir;

namespace {

void git(const TempDir& d, std::vector<std::string> args) {
  std::vector<std::string> argv{"git", "-c", "user.email=t@example.test", "-c", "user.name=t"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv, d.path());
  INFO("git is needed: apt-get install git\n" << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string head(const TempDir& d) {
  auto r = run_command({"git", "rev-parse", "HEAD"}, d.path());
  return r.out.substr(0, 40);
}

}  // namespace

TEST_CASE("git: a clean checkout on a branch with an origin", "[adapters][git]") {
  TempDir d;
  git(d, {"init", "-q", "-b", "main"});
  git(d, {"remote", "add", "origin", "https://example.test/org/repo.git"});
  d.write("a.txt", "a\n");
  git(d, {"add", "a.txt"});
  git(d, {"commit", "-qm", "first"});
  d.write("untracked.txt", "u\n");  // untracked files do not make it dirty
  auto info = wf::adapters::make_libgit2_repo()->describe(d.path() + "/");
  REQUIRE(info);
  CHECK(info->sha == head(d));
  CHECK(info->ref == "refs/heads/main");
  CHECK(info->branch == "main");
  CHECK_FALSE(info->dirty);
  CHECK(info->remote == "https://example.test/org/repo.git");
}

TEST_CASE("git: a modified tracked file makes the tree dirty, found from a subdirectory", "[adapters][git]") {
  TempDir d;
  git(d, {"init", "-q", "-b", "dev"});
  d.write("sub/a.txt", "a\n");
  git(d, {"add", "."});
  git(d, {"commit", "-qm", "first"});
  d.write("sub/a.txt", "changed\n");
  auto info = wf::adapters::make_libgit2_repo()->describe(d.path() + "/sub");
  REQUIRE(info);
  CHECK(info->dirty);
  CHECK(info->branch == "dev");
  CHECK(info->remote.empty());
}

TEST_CASE("git: a detached HEAD has no branch", "[adapters][git]") {
  TempDir d;
  git(d, {"init", "-q", "-b", "main"});
  d.write("a.txt", "a\n");
  git(d, {"add", "."});
  git(d, {"commit", "-qm", "first"});
  git(d, {"checkout", "-q", "--detach"});
  auto info = wf::adapters::make_libgit2_repo()->describe(d.path());
  REQUIRE(info);
  CHECK(info->ref == "HEAD");
  CHECK(info->branch.empty());
  CHECK(info->sha == head(d));
}

TEST_CASE("git: an empty repository and no repository", "[adapters][git]") {
  TempDir empty;
  git(empty, {"init", "-q", "-b", "trunk"});
  auto info = wf::adapters::make_libgit2_repo()->describe(empty.path());
  REQUIRE(info);
  CHECK(info->sha.empty());
  CHECK(info->branch == "trunk");
  TempDir none;
  CHECK_FALSE(wf::adapters::make_libgit2_repo()->describe(none.path()));
}

TEST_CASE("git: credentials in the remote URL never reach git.remote", "[adapters][git]") {
  TempDir d;
  git(d, {"init", "-q", "-b", "main"});
  git(d, {"remote", "add", "origin", "https://deploy-bot:ghp_SECRETTOKEN123@example.test/org/repo.git"});
  d.write("a.txt", "a\n");
  git(d, {"add", "a.txt"});
  git(d, {"commit", "-qm", "first"});
  auto info = wf::adapters::make_libgit2_repo()->describe(d.path());
  REQUIRE(info);
  CHECK(info->remote == "https://example.test/org/repo.git");
  CHECK(info->remote.find("SECRETTOKEN") == std::string::npos);
  CHECK(info->remote.find("deploy-bot") == std::string::npos);
}
