// `depth` (shallow clones) of the git step's checkout: over smart HTTP (git
// http-backend behind the local test server) a clone and a second run into
// the same folder stay shallow; a local path or file:// URL, which libgit2
// serves with its local transport (no shallow fetches), fails permanent, and
// so does ssh with libgit2 1.8 (its shallow fetch is broken there).

#include <catch2/catch.hpp>

#include <filesystem>

#include "runner/adapters/libgit2_repo.h"
#include "tests/steps/git/git_fixture.h"
#include "tests/steps/git/git_http_server.h"

using wf::core::FailureClass;
using wf::test::GitHttpServer;
using wf::test::read_file;
using wf::test::TempDir;
using namespace wf::test::gitfx;
namespace fs = std::filesystem;

namespace {

constexpr const char* kToken = "tok-for-depth-tests";

std::string checkout(const std::string& repo, const std::string& ref, const std::string& extra = "") {
  std::string with = R"({"action":"checkout","repo":")" + repo + R"(","dir":"src","token":")" + kToken + R"(")";
  if (!ref.empty()) with += R"(,"ref":")" + ref + R"(")";
  return with + extra + "}";
}

// Commits reachable from HEAD, as git itself counts them.
std::string count(const std::string& dir) { return git(dir, {"rev-list", "--count", "HEAD"}); }

bool is_shallow(const std::string& dir) {
  return git(dir, {"rev-parse", "--is-shallow-repository"}) == "true\n";
}

// git itself finds every object that a ref, the index or a reflog reaches
// (up to the shallow roots): REQUIREs a clean fsck.
void connected(const std::string& dir) { git(dir, {"fsck", "--connectivity-only", "--no-progress"}); }

}  // namespace

TEST_CASE("git depth: a shallow clone over http holds one commit, and a second run fetches shallow into it",
          "[git][http][depth]") {
  Origin o;
  o.commit("app.yaml", "version: 1\n", "second");
  o.commit("app.yaml", "version: 2\n", "third");
  git(o.work, {"push", "-q"});
  GitHttpServer server(o.root.path(), kToken);
  std::string url = server.url() + "/origin.git";
  TempDir w;
  std::string src = w.path() + "/src";

  auto first = run_step(checkout(url, "main", R"(,"depth":1)"), w.path());
  INFO(first.result.summary << "\n" << first.log);
  REQUIRE(first.result.ok);
  CHECK(first.result.summary.find("cloned") != std::string::npos);
  CHECK(first.output("sha") == rev(o.work));
  CHECK(first.output("ref") == "refs/heads/main");
  CHECK(first.output("dir") == src);
  CHECK(is_shallow(src));
  CHECK(count(src) == "1\n");
  CHECK(read_file(src + "/app.yaml") == "version: 2\n");
  CHECK(git(src, {"status", "--porcelain"}).empty());

  o.commit("app.yaml", "version: 3\n", "fourth");
  std::string head = o.commit("app.yaml", "version: 4\n", "fifth");
  git(o.work, {"push", "-q"});
  auto second = run_step(checkout(url, "main", R"(,"depth":1)"), w.path());
  INFO(second.result.summary << "\n" << second.log);
  REQUIRE(second.result.ok);
  CHECK(second.result.summary.find("fetched") != std::string::npos);
  CHECK(second.output("sha") == head);
  CHECK(rev(src) == head);
  CHECK(read_file(src + "/app.yaml") == "version: 4\n");
  CHECK(is_shallow(src));
  CHECK(count(src) == "1\n");
  CHECK(git(src, {"rev-parse", "--abbrev-ref", "main@{upstream}"}) == "origin/main\n");
  CHECK(git(src, {"status", "--porcelain"}).empty());
  connected(src);

  auto third = run_step(checkout(url, "main", R"(,"depth":1)"), w.path());  // nothing new
  INFO(third.result.summary << "\n" << third.log);
  REQUIRE(third.result.ok);
  CHECK(third.output("sha") == head);
  CHECK(is_shallow(src));
  connected(src);
}

TEST_CASE("git depth: a tag on an old commit, shallow, then a branch into the same folder", "[git][http][depth]") {
  Origin o;
  std::string v1 = o.commit("app.yaml", "version: 1\n", "release 1");
  git(o.work, {"tag", "-a", "v1.0", "-m", "release 1"});
  o.commit("app.yaml", "version: 2\n", "after the release");
  git(o.work, {"push", "-q", "origin", "main", "--tags"});
  GitHttpServer server(o.root.path(), kToken);
  std::string url = server.url() + "/origin.git";
  TempDir w;
  std::string src = w.path() + "/src";

  auto tag = run_step(checkout(url, "v1.0", R"(,"depth":1)"), w.path());
  INFO(tag.result.summary << "\n" << tag.log);
  REQUIRE(tag.result.ok);
  CHECK(tag.output("sha") == v1);
  CHECK(tag.output("ref") == "refs/tags/v1.0");
  CHECK(read_file(src + "/app.yaml") == "version: 1\n");
  CHECK(is_shallow(src));
  CHECK(count(src) == "1\n");

  auto branch = run_step(checkout(url, "main", R"(,"depth":1)"), w.path());
  INFO(branch.result.summary << "\n" << branch.log);
  REQUIRE(branch.result.ok);
  CHECK(branch.output("sha") == rev(o.work));
  CHECK(read_file(src + "/app.yaml") == "version: 2\n");
  CHECK(is_shallow(src));
  connected(src);
}

TEST_CASE("git depth: a shallow clone still refuses to drop a local commit on the branch", "[git][http][depth]") {
  Origin o;
  o.commit("app.yaml", "version: 1\n", "second");
  git(o.work, {"push", "-q"});
  GitHttpServer server(o.root.path(), kToken);
  std::string url = server.url() + "/origin.git";
  TempDir w;
  std::string src = w.path() + "/src";
  REQUIRE(run_step(checkout(url, "main", R"(,"depth":1)"), w.path()).result.ok);
  std::string mine = o.commit("mine.txt", "local\n", "local only", src);
  o.commit("app.yaml", "version: 2\n", "third");
  git(o.work, {"push", "-q"});

  auto r = run_step(checkout(url, "main", R"(,"depth":1)"), w.path());
  INFO(r.result.summary << "\n" << r.log);
  REQUIRE_FALSE(r.result.ok);
  CHECK(r.result.failure_class == FailureClass::kPermanent);
  CHECK(r.result.summary.find("has commits that origin does not have") != std::string::npos);
  CHECK(rev(src) == mine);

  auto clean = run_step(checkout(url, "main", R"(,"depth":1,"clean":true)"), w.path());
  INFO(clean.result.summary << "\n" << clean.log);
  REQUIRE(clean.result.ok);
  CHECK(rev(src) == rev(o.work));
  CHECK(is_shallow(src));
  connected(src);
}

TEST_CASE("git depth: with a local path or file:// URL fails permanent, before any folder is touched",
          "[git][depth]") {
  Origin o;
  TempDir w;
  for (const std::string& repo : {o.bare, "file://" + o.bare}) {
    auto r = run_step(checkout(repo, "main", R"(,"depth":1)"), w.path());
    INFO(repo << "\n" << r.result.summary << "\n" << r.log);
    REQUIRE_FALSE(r.result.ok);
    CHECK(r.result.failure_class == FailureClass::kPermanent);
    CHECK(r.result.summary.find("`depth` needs a remote URL") != std::string::npos);
    CHECK(r.result.summary.find("leave `depth` out") != std::string::npos);
    CHECK_FALSE(fs::exists(w.path() + "/src"));
  }

  // An existing clone of a local origin: refused the same way, left as it was.
  REQUIRE(run_step(checkout(o.bare, "main"), w.path()).result.ok);
  std::string before = rev(w.path() + "/src");
  o.commit("b.txt", "b\n", "second");
  git(o.work, {"push", "-q"});
  auto again = run_step(checkout(o.bare, "main", R"(,"depth":1)"), w.path());
  REQUIRE_FALSE(again.result.ok);
  CHECK(again.result.failure_class == FailureClass::kPermanent);
  CHECK(rev(w.path() + "/src") == before);
  CHECK_FALSE(is_shallow(w.path() + "/src"));
}

TEST_CASE("git depth: over ssh fails permanent with libgit2 before 1.9, naming the version that can", "[git][depth]") {
  bool broken = wf::adapters::libgit2_version() < std::make_pair(1, 9);
  TempDir w;
  // Nothing listens on port 9: a libgit2 that may try fails transient instead.
  for (const std::string repo : {"ssh://git@127.0.0.1:9/origin.git", "git://127.0.0.1:9/origin.git"}) {
    auto r = run_step(checkout(repo, "main", R"(,"depth":1)"), w.path());
    INFO(repo << "\n" << r.result.summary << "\n" << r.log);
    REQUIRE_FALSE(r.result.ok);
    if (broken) {
      CHECK(r.result.failure_class == FailureClass::kPermanent);
      CHECK(r.result.summary.find("`depth` needs an http(s) remote with libgit2 1.") != std::string::npos);
      CHECK(r.result.summary.find("fixed in libgit2 1.9") != std::string::npos);
    } else {
      CHECK(r.result.failure_class == FailureClass::kTransient);
    }
    CHECK_FALSE(fs::exists(w.path() + "/src"));
  }
}
