// gh-dispatch through the real wf binary against the GitHub API test
// server: outputs to later steps, retries that never dispatch twice, the
// token in no sink, wf plan's preview, Ctrl-C and timeouts cancelling the
// remote run, --resume after SIGKILL following the same run.

#include <signal.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/fixtures/github_api/github_api_server.h"
#include "tests/support/command.h"

namespace {

using namespace wf::test;
using json = nlohmann::json;
using std::chrono::milliseconds;

const char* kFileToken = "ghp_tokenInTheFile_0123456789";  // the fixture's token in some tests

// The step's own waits, short enough for faults on a local server.
const std::string kShortWaits = "      request-timeout: 600ms\n      find-run-timeout: 1800ms\n";

struct WfRun {
  CommandResult r;
  std::string run_dir;
  json report;
  std::string all() const { return r.out + r.err; }
  json step(const std::string& id) const {
    if (report.is_object())
      for (const auto& s : report["steps"])
        if (s.value("id", "") == id) return s;
    return nullptr;
  }
  /// Every file wf left in the run's directory, concatenated.
  std::string state() const {
    std::string s;
    for (const auto& f : files_under(run_dir)) s += read_file(f);
    return s;
  }
};

WfRun read_run(const TempDir& dir, CommandResult r) {
  WfRun w;
  w.r = std::move(r);
  auto runs = run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return w;
  w.run_dir = runs.back();
  w.report = json::parse(read_file(w.run_dir + "/report.json"), nullptr, false);
  return w;
}

std::map<std::string, std::string> env_for(const GitHubApiServer& gh) {
  return {{"FIXTURE_TOKEN", gh.token()}};
}

WfRun wf_run(const TempDir& dir, const GitHubApiServer& gh, std::vector<std::string> args = {"run", "wf.yaml"}) {
  return read_run(dir, run_wf_local(args, dir.path(), env_for(gh), 60));
}

/// A workflow: the dispatch, then a step that reads its outputs.
std::string workflow(const GitHubApiServer& gh, const std::string& extra_with = "",
                     const std::string& step_keys = "    retry: { limit: 2, backoff: { delay: 100ms } }\n") {
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
         "      inputs: { cluster: c1, smoke: true }\n"
         "      token: ${{ secrets.gh }}\n"
         "      api-url: " +
         gh.url() + "\n      poll-interval: 20ms\n" + kShortWaits + extra_with + step_keys +
         "  report:\n"
         "    needs: [smoke]\n"
         "    run: echo \"id=${{ steps.smoke.outputs.run-id }} conclusion=${{ steps.smoke.outputs.conclusion }} "
         "url=${{ steps.smoke.outputs.html-url }}\"\n";
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

TEST_CASE("wf + gh-dispatch: the run's outputs reach later steps, the link is in the report", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{2, 2, "success", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  auto w = wf_run(dir, gh);
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  std::string id = std::to_string(gh.dispatched_run_ids().at(0));
  CHECK(gh.dispatches() == 1);
  CHECK_THAT(w.r.out, Catch::Contains("id=" + id + " conclusion=success url=" + gh.url() +
                                      "/octo-org/deploy-repo/actions/runs/" + id));
  json smoke = w.step("smoke");
  CHECK(smoke["outcome"] == "success");
  CHECK(smoke["outputs"]["run-id"] == id);
  CHECK(smoke["outputs"]["conclusion"] == "success");
  REQUIRE(smoke["links"].size() == 1);
  CHECK(smoke["links"][0]["title"] == "GitHub run");
  CHECK(gh.run(gh.dispatched_run_ids()[0])->inputs_json == R"({"cluster":"c1","smoke":"true"})");
}

TEST_CASE("wf + gh-dispatch: the token is in no output, log, journal, report or record", "[gh-dispatch][wf]") {
  GitHubApiServer::Options o;
  o.token = kFileToken;
  GitHubApiServer gh(o);
  TempDir dir;
  // A failing run, so the summaries and failure paths print too.
  gh.set_run_script(RunScript{1, 1, "failure", milliseconds(0)});
  gh.push_fault(Route::kGetRun, Fault::http(502));
  std::string yaml = workflow(gh, "", "");
  auto env = env_for(gh);
  dir.write("wf.yaml", yaml);
  auto w = read_run(dir, run_wf_local({"run", "wf.yaml", "--log-format", "json"}, dir.path(), env, 60));
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(gh.dispatches() == 1);
  CHECK(w.all().find(kFileToken) == std::string::npos);
  CHECK_FALSE(w.state().empty());
  CHECK(w.state().find(kFileToken) == std::string::npos);
  auto w2 = read_run(dir, run_wf_local({"run", "wf.yaml"}, dir.path(), env, 60));
  CHECK(w2.all().find(kFileToken) == std::string::npos);
  CHECK(w2.state().find(kFileToken) == std::string::npos);
}

TEST_CASE("wf + gh-dispatch: a token from GITHUB_TOKEN is masked like a declared secret", "[gh-dispatch][wf]") {
  GitHubApiServer::Options o;
  o.token = kFileToken;
  GitHubApiServer gh(o);
  TempDir dir;
  dir.write("wf.yaml",
            "name: env-token\nsteps:\n  smoke:\n    uses: gh-dispatch\n    with:\n"
            "      repo: octo-org/deploy-repo\n      workflow: deploy.yaml\n      ref: main\n"
            "      api-url: " +
                gh.url() +
                "\n      poll-interval: 20ms\n" +
                kShortWaits +
                "  leak:\n    needs: [smoke]\n    run: echo \"the token is $GITHUB_TOKEN\"\n");
  auto w = read_run(dir, run_wf_local({"run", "wf.yaml"}, dir.path(),
                                      {{"GITHUB_TOKEN", kFileToken}}, 60));
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK_THAT(w.r.out, Catch::Contains("the token is ***"));
  CHECK(w.all().find(kFileToken) == std::string::npos);
  CHECK(w.state().find(kFileToken) == std::string::npos);
}

TEST_CASE("wf + gh-dispatch: a retried attempt never dispatches twice", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  SECTION("the answer was lost after the dispatch: found within the attempt") {
    gh.push_fault(Route::kDispatch, Fault::drop_after());
    TempDir dir;
    dir.write("wf.yaml", workflow(gh));
    auto w = wf_run(dir, gh);
    INFO(w.all());
    REQUIRE(w.r.exit_code == 0);
    CHECK(w.step("smoke")["attempts"].size() == 1);
  }
  SECTION("the request died before it was recorded: the retry looks, then dispatches") {
    gh.push_fault(Route::kDispatch, Fault::drop_before());
    TempDir dir;
    dir.write("wf.yaml", workflow(gh));
    auto w = wf_run(dir, gh);
    INFO(w.all());
    REQUIRE(w.r.exit_code == 0);
    REQUIRE(w.step("smoke")["attempts"].size() == 2);
    CHECK(w.step("smoke")["attempts"][0]["class"] == "transient");
    CHECK(gh.requests(Route::kDispatch) == 2);
  }
  SECTION("a slow answer past the request timeout, and the run listed late: found, not resent") {
    gh.push_fault(Route::kDispatch, Fault::slow_after(milliseconds(1500)));
    gh.set_run_script(RunScript{1, 1, "success", milliseconds(1000)});
    TempDir dir;
    dir.write("wf.yaml", workflow(gh));
    auto w = wf_run(dir, gh);
    INFO(w.all());
    REQUIRE(w.r.exit_code == 0);
    CHECK(w.step("smoke")["attempts"].size() == 1);
    CHECK(gh.requests(Route::kDispatch) == 1);
  }
  CHECK(gh.dispatches() == 1);
}

TEST_CASE("wf + gh-dispatch: a failed run fails the workflow with its URL", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1, "failure", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh, "", ""));
  auto w = wf_run(dir, gh);
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  std::string url = gh.url() + "/octo-org/deploy-repo/actions/runs/" + std::to_string(gh.dispatched_run_ids().at(0));
  CHECK_THAT(w.r.out, Catch::Contains("concluded failure: " + url));
  CHECK(w.step("smoke")["outcome"] == "failure");
}

TEST_CASE("wf + gh-dispatch: a bad token fails at once with GitHub's message", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  auto w = read_run(dir, run_wf_local({"run", "wf.yaml"}, dir.path(),
                                      {{"FIXTURE_TOKEN", "ghp_notTheRightOne"}}, 60));
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK_THAT(w.r.out, Catch::Contains("HTTP 401: Bad credentials"));
  CHECK(w.step("smoke")["attempts"].size() == 1);  // permanent: not retried
  CHECK(gh.dispatches() == 0);
}

TEST_CASE("wf + gh-dispatch: wf plan previews the dispatch and sends nothing", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  auto r = run_wf_local({"plan", "wf.yaml"}, dir.path(), env_for(gh), 60);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(
      r.out,
      Catch::Contains(
          R"(would dispatch deploy.yaml on octo-org/deploy-repo@main with inputs {"cluster":"c1","smoke":"true"})"));
  CHECK(r.out.find(gh.token()) == std::string::npos);
  CHECK(gh.requests(Route::kDispatch) + gh.requests(Route::kListRuns) + gh.requests(Route::kGetRun) == 0);
}

TEST_CASE("wf + gh-dispatch: wf steps documents the step type", "[gh-dispatch][wf]") {
  auto r = run_wf_local({"steps", "gh-dispatch"});
  CHECK(r.exit_code == 0);
  for (const char* p : {"repo", "workflow", "ref", "inputs", "token", "api-url", "wait", "poll-interval", "timeout",
                        "cancel-on-abort", "run-id", "html-url"})
    CHECK_THAT(r.out, Catch::Contains(p));
}

TEST_CASE("wf + gh-dispatch: Ctrl-C cancels the remote run and wf exits 130", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1000000, "success", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  Background::Options opts;
  opts.cwd = dir.path();
  opts.env = env_for(gh);
  auto wf = start_wf({"run", "wf.yaml"}, opts);
  REQUIRE(wait_until([&] { return gh.requests(Route::kGetRun) >= 3; }, 20));
  auto start = std::chrono::steady_clock::now();
  wf->signal(SIGINT);
  int rc = wf->wait(20);
  INFO(wf->out() << wf->err());
  CHECK(rc == 130);
  CHECK(seconds_since(start) < 5);
  CHECK(gh.cancels() == 1);
  CHECK(gh.run(gh.dispatched_run_ids().at(0))->cancel_requested);
  auto w = read_run(dir, CommandResult{});
  CHECK(w.step("smoke")["outcome"] == "cancelled");
}

TEST_CASE("wf + gh-dispatch: the step's timeout cancels the remote run", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1000000, 1, "success", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh, "", "    timeout: 1s\n"));
  auto w = wf_run(dir, gh);
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(w.step("smoke")["attempts"][0]["class"] == "timeout");
  CHECK(gh.cancels() == 1);
}

TEST_CASE("wf + gh-dispatch: --resume after SIGKILL follows the same run, dispatching nothing", "[gh-dispatch][wf]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1000000, "success", milliseconds(0)});
  TempDir dir;
  dir.write("wf.yaml", workflow(gh));
  Background::Options opts;
  opts.cwd = dir.path();
  opts.env = env_for(gh);
  {
    auto wf = start_wf({"run", "wf.yaml"}, opts);
    REQUIRE(wait_until([&] { return gh.requests(Route::kGetRun) >= 2; }, 20));
    wf->signal_group(SIGKILL);
    wf->wait(10);
  }
  REQUIRE(gh.dispatches() == 1);
  long long id = gh.dispatched_run_ids().at(0);
  gh.finish_run(id, "success");  // it went on while wf was down
  auto w = wf_run(dir, gh, {"run", "wf.yaml", "--resume"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(gh.dispatches() == 1);
  CHECK(w.step("smoke")["outputs"]["run-id"] == std::to_string(id));
  CHECK_THAT(w.r.out, Catch::Contains("instead of dispatching again"));
}
