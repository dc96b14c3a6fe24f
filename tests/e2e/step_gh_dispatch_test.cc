// wf step + gh-dispatch against the GitHub API test server: a retried task
// (same --run-id, same state directory) follows the run its killed first
// attempt dispatched instead of dispatching again; another run id dispatches.

#include <signal.h>

#include <catch2/catch.hpp>
#include <functional>
#include <thread>

#include "tests/fixtures/github_api/github_api_server.h"
#include "tests/support/command.h"

namespace {

using namespace wf::test;
using std::chrono::milliseconds;

std::string workflow(const GitHubApiServer& gh) {
  return "name: dispatch\n"
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
         "      poll-interval: 20ms\n"
         "      request-timeout: 600ms\n"
         "      find-run-timeout: 1800ms\n";
}

bool wait_until(const std::function<bool()>& f, double seconds) {
  auto start = std::chrono::steady_clock::now();
  while (!f()) {
    if (seconds_since(start) > seconds) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

}  // namespace

TEST_CASE("step + gh-dispatch: a retried task with the same --run-id never dispatches twice", "[e2e][step]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1000000, "success", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  std::map<std::string, std::string> env{{"FIXTURE_TOKEN", gh.token()}};
  std::vector<std::string> args{"step", "wf.yaml", "smoke", "--run-id", "uid-1", "--state-dir", dir.path() + "/state",
                                "--outputs-dir", dir.path() + "/out"};
  {
    Background::Options opts;
    opts.cwd = dir.path();
    opts.env = env;
    auto first = start_wf(args, opts);
    REQUIRE(wait_until([&] { return gh.requests(Route::kGetRun) >= 2; }, 20));
    first->signal_group(SIGKILL);  // the pod is lost; Argo retries the task
    first->wait(10);
  }
  REQUIRE(gh.dispatches() == 1);
  long long id = gh.dispatched_run_ids().at(0);
  gh.finish_run(id, "success");
  auto retried = run_wf(args, dir.path(), env, 60);
  INFO(retried.out << retried.err);
  REQUIRE(retried.exit_code == 0);
  CHECK(gh.dispatches() == 1);
  CHECK(read_file(dir.path() + "/out/run-id") == std::to_string(id));
  CHECK_THAT(retried.out, Catch::Contains("instead of dispatching again"));

  // Another run of the workflow (another id) is another dispatch.
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(0)});
  args[4] = "uid-2";
  auto other = run_wf(args, dir.path(), env, 60);
  INFO(other.out << other.err);
  CHECK(other.exit_code == 0);
  CHECK(gh.dispatches() == 2);
}
