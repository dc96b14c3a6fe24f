// gh-dispatch: following the run to its conclusion — polls, ETags, rate
// limits, failed polls, the run's timeout and cancellation — on a fake clock.

#include "steps/gh_dispatch/run_watcher.h"

#include <catch2/catch.hpp>

#include "github_fakes.h"
#include "tests/support/command.h"

using namespace wf::steps::gh;
using namespace wf::gh_test;
using wf::core::FailureClass;
using wf::step_api::StepResult;

namespace {

struct Harness {
  wf::test::TempDir tmp;
  FakeHttp http;
  FakeClock clock;
  DispatchParams params;
  RecordStore store{tmp.path() + "/runs/r1/steps/smoke"};
  GitHubApi api{http, clock, clock.cancel(), {"https://api.example.test", "tok", params.timing, nullptr}};
  DispatchRecord record;
  std::vector<std::string> lines;

  Harness() {
    params.api_url = "https://api.example.test";
    params.owner = "o";
    params.name = "r";
    params.workflow = "deploy.yaml";
    params.ref = params.branch = "main";
    params.token = "tok";
    params.poll_interval = Millis(5000);
    record.correlation_id = "c1";
    record.fingerprint = "f";
    record.state = DispatchRecord::State::kAccepted;
    record.run_id = 101;
    record.run_url = "https://api.example.test/repos/o/r/actions/runs/101";
    record.html_url = "https://github.example.test/o/r/actions/runs/101";
    record.sent_at_ms = std::chrono::duration_cast<Millis>(epoch().time_since_epoch()).count();
  }
  StepResult watch() {
    Session s{api, clock, clock.cancel(), params, store, [this](const std::string& l) { lines.push_back(l); }, 1};
    return watch_run(s, record);
  }
  bool logged(const std::string& text) const {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

FakeRun run_in(const std::string& status, const std::string& conclusion = "") {
  FakeRun r;
  r.id = 101;
  r.status = status;
  r.conclusion = conclusion;
  return r;
}

std::string output(const StepResult& r, const std::string& name) {
  for (const auto& [k, v] : r.outputs)
    if (k == name) return v.is_string() ? v.as_string() : "<not a string>";
  return "<none>";
}

std::string if_none_match(const HttpRequest& r) {
  for (const auto& [k, v] : r.headers)
    if (k == "If-None-Match") return v;
  return "";
}

}  // namespace

TEST_CASE("watch: queued, in_progress, completed success: outputs, link, one poll per interval", "[gh-dispatch]") {
  Harness h;
  h.http.script("get", run_answer(run_in("queued"), "W/\"1\""));
  h.http.script("get", answer(304, "", {{"etag", "W/\"1\""}}));
  h.http.script("get", run_answer(run_in("in_progress"), "W/\"2\""));
  h.http.script("get", run_answer(run_in("completed", "success"), "W/\"3\""));
  StepResult r = h.watch();
  REQUIRE(r.ok);
  CHECK(r.summary == "run 101 succeeded: https://github.example.test/o/r/actions/runs/101");
  CHECK(output(r, "run-id") == "101");
  CHECK(output(r, "html-url") == "https://github.example.test/o/r/actions/runs/101");
  CHECK(output(r, "run-url") == "https://api.example.test/repos/o/r/actions/runs/101");
  CHECK(output(r, "conclusion") == "success");
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].first == "GitHub run");
  CHECK(h.clock.sleeps() == std::vector<Millis>(3, Millis(5000)));
  auto sent = h.http.sent();
  CHECK(if_none_match(sent[0]).empty());
  CHECK(if_none_match(sent[1]) == "W/\"1\"");
  CHECK(if_none_match(sent[2]) == "W/\"1\"");
  CHECK(if_none_match(sent[3]) == "W/\"2\"");
  CHECK(h.logged("run 101: queued"));
  CHECK(h.logged("run 101: in_progress"));
  CHECK(h.logged("run 101: completed (success)"));
}

TEST_CASE("watch: a conclusion other than success fails the step with the run's URL", "[gh-dispatch]") {
  auto [conclusion, cls] = GENERATE(table<std::string, FailureClass>({{"failure", FailureClass::kTransient},
                                                                      {"timed_out", FailureClass::kTransient},
                                                                      {"cancelled", FailureClass::kPermanent},
                                                                      {"action_required", FailureClass::kPermanent},
                                                                      {"skipped", FailureClass::kPermanent}}));
  Harness h;
  h.http.script("get", run_answer(run_in("completed", conclusion)));
  StepResult r = h.watch();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == cls);
  CHECK(r.summary == "run 101 concluded " + conclusion + ": https://github.example.test/o/r/actions/runs/101");
  CHECK(output(r, "conclusion") == conclusion);
}

TEST_CASE("watch: Retry-After on a poll is waited out, then polling goes on", "[gh-dispatch]") {
  Harness h;
  h.http.script("get", run_answer(run_in("in_progress")));
  h.http.script("get", github_error(429, "slow down", {{"retry-after", "42"}}));
  h.http.script("get", run_answer(run_in("completed", "success")));
  StepResult r = h.watch();
  REQUIRE(r.ok);
  CHECK(h.clock.sleeps() == std::vector<Millis>{Millis(5000), Millis(42000)});
}

TEST_CASE("watch: a secondary rate limit without Retry-After waits at least a minute", "[gh-dispatch]") {
  Harness h;
  h.http.script("get", github_error(403, "You have exceeded a secondary rate limit. Please wait a few minutes"));
  h.http.script("get", run_answer(run_in("completed", "success")));
  StepResult r = h.watch();
  REQUIRE(r.ok);
  CHECK(h.clock.sleeps() == std::vector<Millis>{Millis(60000)});
}

TEST_CASE("watch: a used-up quota delays the next poll until x-ratelimit-reset", "[gh-dispatch]") {
  Harness h;
  long long now_s = std::chrono::duration_cast<std::chrono::seconds>(epoch().time_since_epoch()).count();
  HttpResponse last = run_answer(run_in("in_progress"));
  last.headers.emplace_back("x-ratelimit-remaining", "0");
  last.headers.emplace_back("x-ratelimit-reset", std::to_string(now_s + 300));
  h.http.script("get", last);
  h.http.script("get", run_answer(run_in("completed", "success")));
  StepResult r = h.watch();
  REQUIRE(r.ok);
  CHECK(h.clock.sleeps() == std::vector<Millis>{Millis(301000)});
  CHECK(h.logged("quota is used up"));
}

TEST_CASE("watch: a few failed polls are waited out with a growing pause", "[gh-dispatch]") {
  Harness h;
  h.http.script("get", github_error(502, "Bad Gateway"));
  h.http.script("get", transport_error("Connection reset by peer"));
  h.http.script("get", github_error(500, "Server Error"));
  h.http.script("get", run_answer(run_in("completed", "success")));
  StepResult r = h.watch();
  REQUIRE(r.ok);
  CHECK(h.clock.sleeps() == std::vector<Millis>{Millis(5000), Millis(10000), Millis(20000)});
}

TEST_CASE("watch: too many failed polls in a row fail the attempt as transient", "[gh-dispatch]") {
  Harness h;
  h.http.fallback("get", [](const HttpRequest&) { return github_error(503, "Service Unavailable"); });
  StepResult r = h.watch();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kTransient);
  CHECK_THAT(r.summary, Catch::Contains("lost track of run 101 after 6 failed polls"));
  CHECK(h.http.count("get") == kMaxPollFailures + 1);
  CHECK(output(r, "run-id") == "101");
}

TEST_CASE("watch: a run that cannot be read (404, 401) fails as permanent", "[gh-dispatch]") {
  Harness h;
  h.http.script("get", github_error(404, "Not Found"));
  StepResult r = h.watch();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kPermanent);
  CHECK(r.summary == "cannot follow run 101: HTTP 404: Not Found");
}

TEST_CASE("watch: cancellation cancels the remote run and is prompt", "[gh-dispatch]") {
  Harness h;
  h.http.fallback("get", [](const HttpRequest&) { return run_answer(run_in("in_progress")); });
  h.http.script("cancel", answer(202, "{}"));
  h.clock.cancel_at_sleep(2);
  StepResult r = h.watch();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kCancelled);
  CHECK(r.summary == "cancelled; run 101 cancelled too");
  CHECK(h.http.count("cancel") == 1);
  CHECK(h.http.count("get") == 2);
  CHECK(h.store.load()->state == DispatchRecord::State::kCancelRequested);
}

TEST_CASE("watch: cancel-on-abort false leaves the run alone", "[gh-dispatch]") {
  Harness h;
  h.params.cancel_on_abort = false;
  h.http.fallback("get", [](const HttpRequest&) { return run_answer(run_in("in_progress")); });
  h.clock.cancel_at_sleep(1);
  StepResult r = h.watch();
  CHECK(r.failure_class == FailureClass::kCancelled);
  CHECK_THAT(r.summary, Catch::Contains("left running"));
  CHECK(h.http.count("cancel") == 0);
}

TEST_CASE("watch: the run's timeout, counted from the dispatch, cancels it and fails as timeout", "[gh-dispatch]") {
  Harness h;
  h.params.timeout = Millis(12000);
  h.http.fallback("get", [](const HttpRequest&) { return run_answer(run_in("in_progress")); });
  h.http.script("cancel", answer(202, "{}"));
  StepResult r = h.watch();
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kTimeout);
  CHECK_THAT(r.summary, Catch::StartsWith("run 101 did not complete within 12s"));
  CHECK_THAT(r.summary, Catch::Contains("cancelled too"));
  CHECK(h.clock.sleeps() == std::vector<Millis>{Millis(5000), Millis(5000), Millis(2000)});
  CHECK(h.http.count("cancel") == 1);
}

TEST_CASE("watch: a run that completed just before the cancel is not an error", "[gh-dispatch]") {
  Harness h;
  h.http.fallback("get", [](const HttpRequest&) { return run_answer(run_in("in_progress")); });
  h.http.script("cancel", github_error(409, "Cannot cancel a workflow run that is completed."));
  h.clock.cancel_at_sleep(1);
  StepResult r = h.watch();
  CHECK(r.failure_class == FailureClass::kCancelled);
  CHECK(h.logged("had already completed"));
}
