// gh-dispatch's run() with the real libcurl adapter against the GitHub API
// test server: every fault of the issue, with the server's dispatch counter
// proving one dispatch. The step's waits are short real durations set by its
// parameters (600 ms request timeout, 1.8 s search window); GitHub's minute
// for a secondary rate limit runs on a recording clock's virtual time.

#include <catch2/catch.hpp>
#include <filesystem>
#include <algorithm>
#include <thread>

#include "runner/adapters/curl_http_client.h"
#include "runner/core/json.h"
#include "steps/gh_dispatch/gh_dispatch_step.h"
#include "tests/fixtures/github_api/github_api_server.h"
#include "tests/support/command.h"
#include "tests/support/recording_clock.h"
#include "tests/support/recording_log.h"

using namespace wf;
using core::FailureClass;
using std::chrono::milliseconds;
using test::DispatchMode;
using test::Fault;
using test::GitHubApiServer;
using test::Route;
using test::RunScript;

namespace {

/// The step's attempts against one server, sharing a step directory as the
/// executor's attempts do.
struct Bench {
  GitHubApiServer& gh;
  test::TempDir tmp;
  std::unique_ptr<services::HttpClient> http = adapters::make_curl_http_client();
  steps::GhDispatchStep step;
  std::string extra_with;
  std::string find_run_timeout = "1800ms";
  core::Clock* clock = &core::SystemClock::instance();
  test::RecordingLog log;
  int attempts = 0;

  explicit Bench(GitHubApiServer& server, std::string with = "") : gh(server), extra_with(std::move(with)) {}

  step_api::StepResult attempt(core::CancelToken* cancel_token = nullptr) {
    core::CancelToken own;
    step_api::StepContext ctx;
    ctx.step_id = "smoke";
    ctx.attempt = ++attempts;
    std::string with = R"({"repo":"octo-org/deploy-repo","workflow":"deploy.yaml","ref":"main",)"
                       R"("inputs":{"cluster":"c1"},"wait":true,"poll-interval":"20ms","cancel-on-abort":true,)"
                       R"("request-timeout":"600ms","find-run-timeout":")" + find_run_timeout + R"(",)"
                       R"("api-url":")" +
                       gh.url() + "\"" + extra_with + "}";
    ctx.with = *core::parse_json(with);
    ctx.env = {{"GITHUB_TOKEN", gh.token()}};
    ctx.attempt_dir = tmp.path() + "/runs/r1/steps/smoke/" + std::to_string(ctx.attempt);
    std::filesystem::create_directories(ctx.attempt_dir);
    ctx.working_directory = tmp.path();
    ctx.log = &log;
    ctx.http = http.get();
    ctx.cancel = cancel_token ? cancel_token : &own;
    ctx.clock = clock;
    return step.run(ctx);
  }
};

std::string output(const step_api::StepResult& r, const std::string& name) {
  for (const auto& [k, v] : r.outputs)
    if (k == name) return v.is_string() ? v.as_string() : "<not a string>";
  return "<none>";
}

/// The one run the server created, as the step's run-id output.
std::string dispatched_id(const GitHubApiServer& gh) {
  auto ids = gh.dispatched_run_ids();
  return ids.size() == 1 ? std::to_string(ids[0]) : "<" + std::to_string(ids.size()) + " runs>";
}

}  // namespace

TEST_CASE("fixture step: queued -> in_progress -> completed, polled with ETags", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{3, 3, "success", milliseconds(0)});
  Bench b(gh);
  auto r = b.attempt();
  REQUIRE(r.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(output(r, "run-id") == dispatched_id(gh));
  CHECK(output(r, "conclusion") == "success");
  CHECK_THAT(output(r, "html-url"), Catch::EndsWith("/octo-org/deploy-repo/actions/runs/" + dispatched_id(gh)));
  CHECK(gh.not_modified() >= 4);  // unchanged polls cost a 304, not a body
  CHECK_THAT(b.log.text(), Catch::Contains(": queued") && Catch::Contains(": in_progress") &&
                               Catch::Contains(": completed (success)"));
  auto run = gh.run(gh.dispatched_run_ids()[0]);
  REQUIRE(run);
  CHECK(run->inputs_json == R"({"cluster":"c1"})");
}

TEST_CASE("fixture step: one dispatch when the answer is lost after the dispatch was recorded",
          "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  Fault fault = GENERATE(Fault::drop_after(), Fault::slow_after(milliseconds(2000)), Fault::http_after(502),
                         Fault::http_after(500), Fault::http_after(504), Fault::reset_after(),
                         Fault::truncated_after());
  gh.push_fault(Route::kDispatch, fault);
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(300)});  // and it is listed late
  Bench b(gh);
  auto r = b.attempt();
  REQUIRE(r.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(gh.requests(Route::kDispatch) == 1);
  CHECK(output(r, "run-id") == dispatched_id(gh));
  CHECK_THAT(b.log.text(), Catch::Contains("answer was lost"));
}

TEST_CASE("fixture step: an answer lost before the dispatch was recorded: the next attempt dispatches, once",
          "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  Fault fault = GENERATE(Fault::drop_before(), Fault::http(503));
  gh.push_fault(Route::kDispatch, fault);
  Bench b(gh);
  b.find_run_timeout = "900ms";
  auto first = b.attempt();
  CHECK_FALSE(first.ok);
  CHECK(first.failure_class == FailureClass::kTransient);
  CHECK(gh.dispatches() == 0);
  auto second = b.attempt();
  REQUIRE(second.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(gh.requests(Route::kDispatch) == 2);
  CHECK(output(second, "run-id") == dispatched_id(gh));
}

TEST_CASE("fixture step: a run listed only after the first attempt gave up is found by the next",
          "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.push_fault(Route::kDispatch, Fault::drop_after());
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(1300)});  // beyond the 0.9 s window
  Bench b(gh);
  b.find_run_timeout = "900ms";
  auto first = b.attempt();
  CHECK_FALSE(first.ok);
  CHECK(first.failure_class == FailureClass::kTransient);
  std::this_thread::sleep_for(milliseconds(600));  // the executor's backoff
  auto second = b.attempt();
  REQUIRE(second.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(output(second, "run-id") == dispatched_id(gh));
}

TEST_CASE("fixture step: a 204 server: the run it created, not the latest run", "[gh-dispatch][fixture]") {
  GitHubApiServer::Options o;
  o.mode = DispatchMode::kNoContent;
  GitHubApiServer gh(o);
  // Someone else's runs: the latest dispatch on main still running, a push, another branch.
  long long theirs = gh.add_run("deploy.yaml", "workflow_dispatch", "main", "in_progress", "", std::chrono::seconds(1));
  gh.add_run("deploy.yaml", "push", "main", "completed", "success", std::chrono::seconds(0));
  gh.add_ref("dev");
  gh.add_run("deploy.yaml", "workflow_dispatch", "dev", "queued", "", std::chrono::seconds(0));
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(400)});
  Bench b(gh);
  auto r = b.attempt();
  REQUIRE(r.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(output(r, "run-id") == dispatched_id(gh));
  CHECK(output(r, "run-id") != std::to_string(theirs));
}

TEST_CASE("fixture step: a GHES that rejects return_run_details still works", "[gh-dispatch][fixture]") {
  GitHubApiServer::Options o;
  o.mode = DispatchMode::kRejectsRunDetails;
  GitHubApiServer gh(o);
  Bench b(gh, R"(,"api-url":")" + gh.url() + "/api/v3\"");
  auto r = b.attempt();
  REQUIRE(r.ok);
  CHECK(gh.dispatches() == 1);
  CHECK(gh.requests(Route::kDispatch) == 2);
  CHECK(output(r, "run-id") == dispatched_id(gh));
  for (const auto& req : gh.recorded()) CHECK_THAT(req.target, Catch::StartsWith("/api/v3/repos/"));
}

TEST_CASE("fixture step: 401, 404, 422 fail at once with GitHub's message", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.add_workflow("strict.yaml", 42, {"cluster"});
  SECTION("bad credentials") {
    Bench b(gh, R"(,"token":"ghp_wrong")");
    auto r = b.attempt();
    CHECK(r.failure_class == FailureClass::kPermanent);
    CHECK_THAT(r.summary, Catch::Contains("HTTP 401: Bad credentials"));
  }
  SECTION("unknown workflow") {
    Bench b(gh, R"(,"workflow":"nope.yaml")");
    auto r = b.attempt();
    CHECK(r.failure_class == FailureClass::kPermanent);
    CHECK_THAT(r.summary, Catch::Contains("HTTP 404: Not Found"));
  }
  SECTION("unexpected input") {
    Bench b(gh, R"(,"workflow":"strict.yaml","inputs":{"colour":"red"})");
    auto r = b.attempt();
    CHECK(r.failure_class == FailureClass::kPermanent);
    CHECK_THAT(r.summary, Catch::Contains("Unexpected inputs provided"));
  }
  SECTION("unknown ref") {
    Bench b(gh, R"(,"ref":"no-such-branch")");
    auto r = b.attempt();
    CHECK(r.failure_class == FailureClass::kPermanent);
    CHECK_THAT(r.summary, Catch::Contains("No ref found for: no-such-branch"));
  }
  CHECK(gh.dispatches() == 0);
}

TEST_CASE("fixture step: a rate-limited dispatch is classified, the retry dispatches once", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  auto [status, retry_after] = GENERATE(table<int, int>({{429, 1}, {403, 2}, {429, -1}, {403, -1}}));
  gh.push_fault(Route::kDispatch, Fault::secondary_limit(status, retry_after));
  Bench b(gh);
  auto first = b.attempt();
  CHECK(first.failure_class == FailureClass::kRateLimited);
  REQUIRE(first.retry_after);
  // Without Retry-After: GitHub's "wait at least one minute".
  CHECK(*first.retry_after == (retry_after >= 0 ? milliseconds(retry_after * 1000) : milliseconds(60000)));
  auto second = b.attempt();
  REQUIRE(second.ok);
  CHECK(gh.dispatches() == 1);
}

TEST_CASE("fixture step: rate limits while polling are waited out", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{2, 1, "success", milliseconds(0)});
  SECTION("secondary, no Retry-After: at least GitHub's minute (on virtual time)") {
    gh.push_fault(Route::kGetRun, Fault::secondary_limit(403, -1));
    Bench b(gh);
    test::RecordingClock clock;
    b.clock = &clock;
    REQUIRE(b.attempt().ok);
    auto sleeps = clock.sleeps();
    CHECK(std::count(sleeps.begin(), sleeps.end(), milliseconds(60000)) == 1);
  }
  SECTION("Retry-After") {
    gh.push_fault(Route::kGetRun, Fault::secondary_limit(429, 1));
    Bench b(gh);
    auto start = std::chrono::steady_clock::now();
    REQUIRE(b.attempt().ok);
    CHECK(test::seconds_since(start) >= 1.0);
  }
  SECTION("primary quota used up: nothing is sent before the reset") {
    gh.exhaust_quota(1);
    Bench b(gh);
    REQUIRE(b.attempt().ok);
    CHECK(gh.premature_requests() == 0);
  }
  CHECK(gh.dispatches() == 1);
}

TEST_CASE("fixture step: failed polls are tolerated", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.push_fault(Route::kGetRun, Fault::http(502));
  gh.push_fault(Route::kGetRun, Fault::drop_before());
  gh.push_fault(Route::kGetRun, Fault::slow_after(milliseconds(1500)));
  gh.push_fault(Route::kGetRun, Fault::reset_after());
  gh.push_fault(Route::kGetRun, Fault::truncated_after());
  Bench b(gh);
  REQUIRE(b.attempt().ok);
  CHECK(gh.dispatches() == 1);
}

TEST_CASE("fixture step: a 5xx storm on the dispatch fails each attempt at once, transient, nothing sent twice",
          "[gh-dispatch][fixture][faults]") {
  GitHubApiServer gh;
  for (int i = 0; i < 200; ++i) gh.push_fault(Route::kDispatch, Fault::http(i % 2 ? 503 : 502));
  Bench b(gh);
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto start = std::chrono::steady_clock::now();
    auto r = b.attempt();
    CHECK_FALSE(r.ok);
    CHECK(r.failure_class == FailureClass::kTransient);
    CHECK(test::seconds_since(start) < 5);  // bounded: the executor's retry and backoff, not a loop here
  }
  CHECK(gh.dispatches() == 0);
}

TEST_CASE("fixture step: a 5xx storm while watching ends the attempt in bounded time and the next follows the same run",
          "[gh-dispatch][fixture][faults]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(0)});
  for (int i = 0; i < 2000; ++i)
    gh.push_fault(Route::kGetRun, i % 3 == 0 ? Fault::http(500) : i % 3 == 1 ? Fault::reset_after() : Fault::http(503));
  Bench b(gh);
  auto start = std::chrono::steady_clock::now();
  auto first = b.attempt();
  CAPTURE(b.log.text());
  CHECK_FALSE(first.ok);
  CHECK(first.failure_class == FailureClass::kTransient);
  CHECK(test::seconds_since(start) < 30);
  CHECK(gh.dispatches() == 1);
  gh.clear_faults(Route::kGetRun);
  auto second = b.attempt();
  REQUIRE(second.ok);
  CHECK(gh.dispatches() == 1);  // it followed the run on record
  CHECK(output(second, "run-id") == dispatched_id(gh));
}

TEST_CASE("fixture step: a failed run fails the step with its URL", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1, "failure", milliseconds(0)});
  Bench b(gh);
  auto r = b.attempt();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kTransient);
  CHECK_THAT(r.summary, Catch::Contains("concluded failure") && Catch::Contains("/actions/runs/" + dispatched_id(gh)));
}

TEST_CASE("fixture step: a retry after a failed run dispatches a new one", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 1, "failure", milliseconds(0)});
  Bench b(gh);
  CHECK_FALSE(b.attempt().ok);
  gh.set_run_script(RunScript{1, 1, "success", milliseconds(0)});
  REQUIRE(b.attempt().ok);
  CHECK(gh.dispatches() == 2);
}

TEST_CASE("fixture step: cancellation while waiting cancels the remote run, promptly", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{1, 100000, "success", milliseconds(0)});
  Bench b(gh);
  core::CancelToken cancel;
  std::thread t([&] {
    while (gh.requests(Route::kGetRun) < 3) std::this_thread::sleep_for(milliseconds(5));
    cancel.cancel();
  });
  auto r = b.attempt(&cancel);
  t.join();
  CHECK(r.failure_class == FailureClass::kCancelled);
  CHECK(gh.cancels() == 1);
  auto run = gh.run(gh.dispatched_run_ids()[0]);
  CHECK(run->cancel_requested);
}

TEST_CASE("fixture step: the run's timeout cancels it and fails as timeout", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  gh.set_run_script(RunScript{100000, 1, "success", milliseconds(0)});
  Bench b(gh, R"(,"timeout":"300ms")");
  auto start = std::chrono::steady_clock::now();
  auto r = b.attempt();
  CHECK(r.failure_class == FailureClass::kTimeout);
  CHECK(test::seconds_since(start) < 3);
  CHECK(gh.cancels() == 1);
}

TEST_CASE("fixture step: wait: false succeeds once the run is known", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  Bench b(gh, R"(,"wait":false)");
  auto r = b.attempt();
  REQUIRE(r.ok);
  CHECK(output(r, "run-id") == dispatched_id(gh));
  CHECK(gh.requests(Route::kGetRun) == 0);
}

TEST_CASE("fixture step: the token only ever travels in the Authorization header", "[gh-dispatch][fixture]") {
  GitHubApiServer gh;
  Bench b(gh);
  REQUIRE(b.attempt().ok);
  for (const auto& req : gh.recorded()) {
    CHECK(req.target.find(gh.token()) == std::string::npos);
    CHECK(req.body.find(gh.token()) == std::string::npos);
    for (const auto& [k, v] : req.headers)
      if (k != "Authorization") CHECK(v.find(gh.token()) == std::string::npos);
  }
  CHECK(b.log.text().find(gh.token()) == std::string::npos);
  for (const auto& f : test::files_under(b.tmp.path())) CHECK(test::read_file(f).find(gh.token()) == std::string::npos);
}
