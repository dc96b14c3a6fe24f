// gh-dispatch: the REST calls it makes (URLs, headers, bodies) and how it
// reads the answers, against a fake HttpClient.

#include "steps/gh_dispatch/github_api.h"

#include <catch2/catch.hpp>

#include "github_fakes.h"
#include "runner/core/json.h"

using namespace wf::steps::gh;
using namespace wf::gh_test;

namespace {

DispatchParams params() {
  DispatchParams p;
  p.api_url = "https://api.example.test";
  p.owner = "octo-org";
  p.name = "deploy-repo";
  p.workflow = "deploy.yaml";
  p.ref = "refs/heads/release/1.0";
  p.branch = "release/1.0";
  p.inputs = {{"cluster", "a b"}, {"smoke", "true"}};
  p.token = "tok-SECRET-123";
  return p;
}

struct Api {
  FakeHttp http;
  FakeClock clock;
  GitHubApi api{http, clock, clock.cancel(), {"https://api.example.test", "tok-SECRET-123", Timing{}, nullptr}};
};

std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "<none>";
}

}  // namespace

TEST_CASE("api: a dispatch posts ref, inputs and return_run_details with GitHub's headers", "[gh-dispatch]") {
  Api a;
  a.http.script("dispatch", dispatch_details(7000000042LL));
  auto r = a.api.dispatch(params(), true);
  REQUIRE(r);
  CHECK(r->run_id == 7000000042LL);
  CHECK(r->html_url == "https://github.example.test/o/r/actions/runs/7000000042");
  CHECK(r->run_url == "https://api.example.test/repos/o/r/actions/runs/7000000042");
  auto sent = a.http.sent();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].method == "POST");
  CHECK(sent[0].url == "https://api.example.test/repos/octo-org/deploy-repo/actions/workflows/deploy.yaml/dispatches");
  CHECK(header(sent[0], "Authorization") == "Bearer tok-SECRET-123");
  CHECK(header(sent[0], "Accept") == "application/vnd.github+json");
  CHECK(header(sent[0], "X-GitHub-Api-Version") == "2022-11-28");
  CHECK(header(sent[0], "Content-Type") == "application/json");
  auto body = wf::core::parse_json(sent[0].body);
  REQUIRE(body);
  CHECK(wf::core::to_json(*body) ==
        R"({"ref":"refs/heads/release/1.0","inputs":{"cluster":"a b","smoke":"true"},"return_run_details":true})");
}

TEST_CASE("api: a 204 dispatch is accepted without a run id", "[gh-dispatch]") {
  Api a;
  a.http.script("dispatch", answer(204));
  auto r = a.api.dispatch(params(), false);
  REQUIRE(r);
  CHECK_FALSE(r->run_id);
  CHECK(a.http.sent()[0].body.find("return_run_details") == std::string::npos);
}

TEST_CASE("api: a refused dispatch carries GitHub's message and its class, never the token", "[gh-dispatch]") {
  Api a;
  a.http.script("dispatch", github_error(422, "No ref found for: nope"));
  auto r = a.api.dispatch(params(), true);
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == wf::core::FailureClass::kPermanent);
  CHECK(r.error().status == 422);
  CHECK(r.error().message == "HTTP 422: No ref found for: nope");
  CHECK_FALSE(r.error().maybe_acted);
  CHECK(r.error().message.find("tok-SECRET") == std::string::npos);
}

TEST_CASE("api: listing asks for workflow_dispatch runs of the branch, created since a time", "[gh-dispatch]") {
  Api a;
  FakeRun run;
  run.id = 5;
  a.http.script("list", run_list({run}, epoch() + std::chrono::seconds(3)));
  auto r = a.api.list_dispatch_runs(params(), "2026-03-01T12:00:00Z", 100);
  REQUIRE(r);
  REQUIRE(r->runs.size() == 1);
  CHECK(r->runs[0].id == 5);
  CHECK(r->runs[0].event == "workflow_dispatch");
  CHECK(r->server_time == epoch() + std::chrono::seconds(3));
  CHECK(a.http.sent()[0].url ==
        "https://api.example.test/repos/octo-org/deploy-repo/actions/workflows/deploy.yaml/runs"
        "?event=workflow_dispatch&branch=release%2F1.0&created=%3E%3D2026-03-01T12%3A00%3A00Z&per_page=100");
}

TEST_CASE("api: an unreadable listing is a transient failure", "[gh-dispatch]") {
  Api a;
  a.http.script("list", answer(200, "<html>maintenance</html>"));
  auto r = a.api.list_dispatch_runs(params(), "", 10);
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == wf::core::FailureClass::kTransient);
}

TEST_CASE("api: polling a run is conditional on its ETag, 304 means unchanged", "[gh-dispatch]") {
  Api a;
  FakeRun run;
  run.id = 9;
  run.status = "in_progress";
  a.http.script("get", run_answer(run, "W/\"abc\""));
  a.http.script("get", answer(304, "", {{"etag", "W/\"abc\""}}));
  auto first = a.api.get_run(params(), 9, "");
  REQUIRE(first);
  CHECK(first->run.status == "in_progress");
  CHECK(first->etag == "W/\"abc\"");
  auto second = a.api.get_run(params(), 9, first->etag);
  REQUIRE(second);
  CHECK(second->not_modified);
  auto sent = a.http.sent();
  CHECK(sent[0].url == "https://api.example.test/repos/octo-org/deploy-repo/actions/runs/9");
  CHECK(header(sent[0], "If-None-Match") == "<none>");
  CHECK(header(sent[1], "If-None-Match") == "W/\"abc\"");
}

TEST_CASE("api: cancelling a run is sent even after the step was cancelled", "[gh-dispatch]") {
  Api a;
  a.clock.cancel_now();
  a.http.script("cancel", answer(202, "{}"));
  a.http.script("cancel", github_error(409, "Cannot cancel a workflow run that is completed."));
  auto r = a.api.cancel_run(params(), 9);
  REQUIRE(r);
  CHECK(*r);
  auto again = a.api.cancel_run(params(), 9);
  REQUIRE(again);
  CHECK_FALSE(*again);
  CHECK(a.http.sent()[0].url == "https://api.example.test/repos/octo-org/deploy-repo/actions/runs/9/cancel");
}

TEST_CASE("api: a used-up quota holds the next request back until its reset", "[gh-dispatch]") {
  Api a;
  long long now_s = std::chrono::duration_cast<std::chrono::seconds>(epoch().time_since_epoch()).count();
  a.http.script("list", answer(200, R"({"workflow_runs":[]})",
                               {{"date", http_date(epoch())},
                                {"x-ratelimit-remaining", "0"},
                                {"x-ratelimit-reset", std::to_string(now_s + 60)}}));
  a.http.script("dispatch", answer(204));
  a.http.script("cancel", answer(202, "{}"));
  REQUIRE(a.api.list_dispatch_runs(params(), "", 10));
  CHECK(a.clock.sleeps().empty());
  REQUIRE(a.api.cancel_run(params(), 9));  // the clean-up after cancellation does not wait
  CHECK(a.clock.sleeps().empty());
  REQUIRE(a.api.dispatch(params(), true));
  CHECK(a.clock.sleeps() == std::vector<Millis>{Millis(61000)});
}

TEST_CASE("api: requests follow the step's cancellation", "[gh-dispatch]") {
  Api a;
  a.clock.cancel_now();
  auto r = a.api.get_run(params(), 9, "");
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == wf::core::FailureClass::kCancelled);
}

TEST_CASE("api: a run id that is not a whole number from 1 to 2^53 is no id, never an overflow", "[gh-dispatch]") {
  // Found by fuzz_github_response: a cast of 1.2e45 to long long was undefined behaviour.
  for (const char* id : {"1.2333e45", "-5", "0", "1.5", "9007199254740994", "1e300"})
    CHECK_FALSE(parse_run(*wf::core::parse_json(std::string("{\"id\": ") + id + "}")).has_value());
  auto ok = parse_run(*wf::core::parse_json("{\"id\": 7000000001}"));
  REQUIRE(ok.has_value());
  CHECK(ok->id == 7000000001LL);
}
