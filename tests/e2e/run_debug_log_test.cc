// wf's own debug log: -v / WF_LOG print wf's decisions (steps ready or
// skipped, retry decisions, processes started, HTTP requests) to stderr, a
// run always writes them to .wf/runs/<id>/wf.log, and neither sink ever
// holds a secret, whether it sat in a process's argv or an HTTP header.

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.h"
#include "tests/fixtures/github_api/github_api_server.h"

namespace {

using namespace wf::test;
using Catch::Matchers::Contains;

const std::string kSecret = "dbg-S3cret-Value-9913";

// A secret on a command line (the shell's argv: only a user's own `shell:`
// can put one there), a retried step and a skipped one.
constexpr const char* kWorkflow = R"yaml(name: debug-log
secrets:
  tok: { env: DBG_TOK }
steps:
  argv:
    shell: bash {0} ${{ secrets.tok }}
    run: echo "args $#"
  flaky:
    retry: { limit: 1, when: [failure], backoff: { delay: 50ms } }
    run: |
      if [ "$WF_ATTEMPT" = 1 ]; then exit 1; fi
  skipped:
    needs: [flaky]
    if: ${{ false }}
    run: echo never
)yaml";

std::vector<std::string> lines_with(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(text))
    if (line.find(what) != std::string::npos) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("debug log: -v prints processes and retry decisions, wf.log has them, no secret leaks", "[e2e][log]") {
  TempDir dir;
  dir.write("wf.yaml", kWorkflow);
  auto w = wf_run(dir, {"run", "wf.yaml", "-v", "-j", "1"}, {{"DBG_TOK", kSecret}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  std::string log = read_file(w.run_dir + "/wf.log");
  for (const std::string* sink : {&w.r.err, &log}) {
    CHECK_THAT(*sink, Contains("started: bash "));
    CHECK_THAT(*sink, Contains("step flaky attempt 1 failed (transient): retry 1 of 1 in "));
    CHECK_THAT(*sink, Contains("step skipped not run: skipped"));
    CHECK_THAT(*sink, Contains("step flaky ready: no needs"));
    // The secret's process line is there, masked.
    auto argv_lines = lines_with(*sink, "started: bash ");
    bool masked = false;
    for (const auto& l : argv_lines) masked = masked || l.find("***") != std::string::npos;
    CHECK(masked);
    CHECK(sink->find(kSecret) == std::string::npos);
  }
  CHECK_THAT(w.r.err, Contains("wf: [debug] "));
  CHECK_THAT(log, Contains("[debug] "));
}

TEST_CASE("debug log: without -v stderr stays quiet and wf.log is still written", "[e2e][log]") {
  TempDir dir;
  dir.write("wf.yaml", kWorkflow);
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"DBG_TOK", kSecret}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(w.r.err.find("[debug]") == std::string::npos);
  std::string log = read_file(w.run_dir + "/wf.log");
  CHECK_THAT(log, Contains("started: bash "));
  CHECK(log.find(kSecret) == std::string::npos);
  CHECK(log.find("[trace]") == std::string::npos);
}

TEST_CASE("debug log: WF_LOG=trace shows HTTP requests, the token redacted and masked", "[e2e][log]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1, "success", std::chrono::milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", "name: dispatch\n"
                       "secrets:\n"
                       "  gh: { env: FIXTURE_TOKEN }\n"
                       "steps:\n"
                       "  smoke:\n"
                       "    uses: gh-dispatch\n"
                       "    with:\n"
                       "      repo: octo-org/deploy-repo\n"
                       "      workflow: deploy.yaml\n"
                       "      ref: main\n"
                       "      token: ${{ secrets.gh }}\n"
                       "      api-url: " + gh.url() + "\n"
                       "      poll-interval: 20ms\n");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"FIXTURE_TOKEN", gh.token()}, {"WF_LOG", "trace"}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  std::string log = read_file(w.run_dir + "/wf.log");
  for (const std::string* sink : {&w.r.err, &log}) {
    CHECK_THAT(*sink, Contains("HTTP POST " + gh.url() + "/repos/octo-org/deploy-repo/actions/workflows/deploy.yaml/dispatches"));
    CHECK_THAT(*sink, Contains("HTTP 20"));
    CHECK_THAT(*sink, Contains("HTTP > Authorization: <redacted>"));
    CHECK(sink->find(gh.token()) == std::string::npos);
  }
  CHECK_THAT(w.r.err, Contains("wf: [trace] "));
}

TEST_CASE("debug log: wf step -v prints the process it starts", "[e2e][log]") {
  TempDir dir;
  dir.write("wf.yaml", kWorkflow);
  auto r = run_wf_local({"step", "wf.yaml", "argv", "-v"}, dir.path(), {{"DBG_TOK", kSecret}});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("started: bash "));
  CHECK(r.err.find(kSecret) == std::string::npos);
  CHECK((r.out + r.err).find(kSecret) == std::string::npos);
}

TEST_CASE("debug log: an unknown WF_LOG is named and ignored", "[e2e][log]") {
  TempDir dir;
  dir.write("wf.yaml", "name: x\nsteps:\n  a:\n    run: 'true'\n");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"WF_LOG", "loud"}});
  INFO(w.all());
  CHECK(w.r.exit_code == 0);
  CHECK_THAT(w.r.err, Contains("WF_LOG=loud is not one of trace, debug, info, warn, off"));
  CHECK(w.r.err.find("[debug]") == std::string::npos);
}
