// The git step never runs a `git` program: wf runs a workflow of git steps
// under strace (every execve of wf and its children), with a fake `git`
// first on PATH that would leave a mark.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "tests/steps/git/git_fixture.h"
#include "tests/steps/git/git_http_server.h"

using wf::test::read_file;
using wf::test::TempDir;
using namespace wf::test::gitfx;

TEST_CASE("git: no git process starts during checkout and require-pushed (strace)", "[git][strace]") {
  auto which = wf::test::run_command({"sh", "-c", "command -v strace"});
  INFO("strace is needed for this test: apt-get install strace (scripts/install-deps.sh installs it)");
  REQUIRE(which.exit_code == 0);

  Origin o;
  git(o.work, {"tag", "v1"});
  git(o.work, {"push", "-q", "--tags"});
  wf::test::GitHttpServer server(o.root.path(), "tok-for-strace-test");
  TempDir w;
  std::string fake = w.path() + "/fakebin/git";
  w.write("fakebin/git", "#!/bin/sh\necho called > \"$(dirname \"$0\")/called\"\nexit 1\n");
  chmod(fake.c_str(), 0755);
  w.write("wf.yaml",
          "name: no-git\n"
          "steps:\n"
          "  local:\n"
          "    uses: git\n"
          "    with: { action: checkout, repo: " + o.bare + ", ref: v1, dir: local }\n"
          "  http:\n"
          "    uses: git\n"
          "    with: { action: checkout, repo: " + server.url() + "/origin.git, dir: http, token: tok-for-strace-test,\n"
          "            depth: 1 }\n"
          "  again:\n"
          "    needs: [local]\n"
          "    uses: git\n"
          "    with: { action: checkout, repo: " + o.bare + ", ref: main, dir: local }\n"
          "  pushed:\n"
          "    needs: [again]\n"
          "    uses: git\n"
          "    with: { action: require-pushed, dir: local }\n");
  std::string trace = w.path() + "/trace.txt";
  auto r = wf::test::run_command(
      {"strace", "-f", "-qq", "-e", "trace=execve", "-o", trace, WF_BINARY, "run", "wf.yaml"}, w.path(),
      {{"PATH", w.path() + "/fakebin:" + std::string(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin")}}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::string text = read_file(trace);
  INFO(text);
  REQUIRE(text.find("execve(\"" WF_BINARY "\"") != std::string::npos);  // the trace works
  std::regex git_exec(R"(execve\("[^"]*/git(-[a-z0-9-]+)?")");
  CHECK_FALSE(std::regex_search(text, git_exec));
  CHECK_FALSE(std::filesystem::exists(w.path() + "/fakebin/called"));
}
