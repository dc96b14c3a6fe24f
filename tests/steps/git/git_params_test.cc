// The git step's own parameter checks and URL handling, without repositories.

#include <catch2/catch.hpp>

#include "runner/core/json.h"
#include "steps/git/git_step.h"
#include "steps/git/url.h"

using wf::core::ParamCheck;
namespace g = wf::steps::git;

namespace {

std::vector<ParamCheck::Problem> check(const std::string& json, std::vector<std::string> dynamic = {}) {
  auto v = wf::core::parse_json(json);
  REQUIRE(v);
  ParamCheck c(*v, std::move(dynamic));
  wf::steps::GitStep step;
  REQUIRE(step.schema().validate);
  step.schema().validate(c);
  return c.problems();
}

bool has(const std::vector<ParamCheck::Problem>& ps, const std::string& param, const std::string& text) {
  for (const auto& p : ps)
    if (p.param == param && p.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("git params: checkout needs repo, require-pushed needs nothing", "[git][unit]") {
  CHECK(has(check(R"({"action":"checkout"})"), "", "needs `repo`"));
  CHECK(check(R"({"action":"checkout","repo":"https://example.test/a.git"})").empty());
  CHECK(check(R"({"action":"checkout"})", {"repo"}).empty());
  CHECK(check(R"({"action":"require-pushed"})").empty());
  CHECK(check(R"({})", {"action"}).empty());
}

TEST_CASE("git params: parameters of the other action are errors", "[git][unit]") {
  CHECK(has(check(R"({"action":"require-pushed","ref":"main"})"), "ref", "only read by action checkout"));
  CHECK(has(check(R"({"action":"require-pushed","depth":1})"), "depth", "only read by action checkout"));
  CHECK(has(check(R"({"action":"checkout","repo":"r","paths":["a"]})"), "paths", "only read by action require-pushed"));
  CHECK(has(check(R"({"action":"checkout","repo":"r","branch":"b"})"), "branch", "only read by action require-pushed"));
}

TEST_CASE("git params: depth must be a positive whole number", "[git][unit]") {
  CHECK(has(check(R"({"action":"checkout","repo":"r","depth":0})"), "depth", "positive whole number"));
  CHECK(has(check(R"({"action":"checkout","repo":"r","depth":-3})"), "depth", "positive whole number"));
  CHECK(has(check(R"({"action":"checkout","repo":"r","depth":1.5})"), "depth", "positive whole number"));
  CHECK(check(R"({"action":"checkout","repo":"https://example.test/r.git","depth":1})").empty());
}

TEST_CASE("git params: depth with a local path or file:// repo is an error", "[git][unit]") {
  CHECK(has(check(R"({"action":"checkout","repo":"../r","depth":1})"), "depth", "needs a remote URL"));
  CHECK(has(check(R"({"action":"checkout","repo":"/srv/r.git","depth":1})"), "depth", "local path"));
  CHECK(has(check(R"({"action":"checkout","repo":"file:///srv/r.git","depth":1})"), "depth", "file://"));
  CHECK(check(R"({"action":"checkout","repo":"git@github.com:o/r.git","depth":1})").empty());
  CHECK(check(R"({"action":"checkout","repo":"ssh://git@example.test/r.git","depth":2})").empty());
  CHECK(check(R"({"action":"checkout","depth":1})", {"repo"}).empty());  // checked when the step runs
  CHECK(g::is_local_repo("/srv/r.git"));
  CHECK(g::is_local_repo("file:///srv/r.git"));
  CHECK_FALSE(g::is_local_repo("https://example.test/r.git"));
  CHECK_FALSE(g::is_local_repo("git@github.com:o/r.git"));
}

TEST_CASE("git params: a token inside the repo URL is a warning", "[git][unit]") {
  auto ps = check(R"({"action":"checkout","repo":"https://x:Zq81secretvalue@example.test/a.git"})");
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].warning);
  CHECK(ps[0].param == "repo");
  CHECK(ps[0].message.find("Zq81secretvalue") == std::string::npos);
}

TEST_CASE("git url: credentials are split off, paths and scp-like URLs stay", "[git][unit]") {
  auto s = g::split_credentials("https://x-access-token:s3cret@github.com/o/r.git");
  CHECK(s.url == "https://github.com/o/r.git");
  CHECK(s.username == "x-access-token");
  CHECK(s.password == "s3cret");
  CHECK(g::split_credentials("https://github.com/o/r.git").password.empty());
  CHECK(g::split_credentials("git@github.com:o/r.git").url == "git@github.com:o/r.git");
  CHECK(g::is_url("git@github.com:o/r.git"));
  CHECK(g::is_url("file:///srv/r.git"));
  CHECK_FALSE(g::is_url("../r.git"));
  CHECK_FALSE(g::is_url("/srv/git/r.git"));
  CHECK(g::default_dir("https://github.com/o/9c-infra.git") == "9c-infra");
  CHECK(g::default_dir("git@github.com:o/r.git") == "r");
  CHECK(g::default_dir("/srv/repos/thing/") == "thing");
}
