// gh-dispatch: exactly-once dispatch. Every fault on the dispatch request
// (timeout, dropped connection, 5xx) is followed by a search for the run,
// never by a blind second request; a later attempt looks before it sends.

#include "steps/gh_dispatch/dispatcher.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "github_fakes.h"
#include "tests/support/command.h"

using namespace wf::steps::gh;
using namespace wf::gh_test;
using std::chrono::seconds;
using wf::core::FailureClass;
using State = DispatchRecord::State;

namespace {

DispatchParams make_params() {
  DispatchParams p;
  p.api_url = "https://api.example.test";
  p.owner = "o";
  p.name = "r";
  p.workflow = "deploy.yaml";
  p.ref = "main";
  p.branch = "main";
  p.token = "tok-123";
  p.poll_interval = Millis(5000);
  return p;
}

/// One attempt's world: the fakes, a step directory, a session.
struct Harness {
  wf::test::TempDir tmp;
  FakeHttp http;
  FakeClock clock;
  DispatchParams params = make_params();
  RecordStore store{tmp.path() + "/runs/r1/steps/smoke"};
  GitHubApi api{http, clock, clock.cancel(), {params.api_url, params.token, params.timing, nullptr}};
  std::vector<std::string> lines;
  int attempt = 1;

  Session session() {
    return Session{api, clock, clock.cancel(), params, store, [this](const std::string& l) { lines.push_back(l); }, attempt};
  }
  wf::core::Expected<DispatchRecord, wf::step_api::StepResult> dispatch() {
    Session s = session();
    return ensure_dispatched(s);
  }
  bool logged(const std::string& text) const {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

FakeRun ours(long long id = 101, int after_s = 1) {
  FakeRun r;
  r.id = id;
  r.created = epoch() + seconds(after_s);
  return r;
}

FakeRun older(long long id = 100) {
  FakeRun r;
  r.id = id;
  r.status = "completed";
  r.conclusion = "success";
  r.created = epoch() - std::chrono::hours(1);
  return r;
}

}  // namespace

TEST_CASE("dispatch: a 200 names the run, the intent is on disk before the request is sent", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  std::optional<DispatchRecord> at_send;
  h.http.fallback("dispatch", [&](const HttpRequest&) {
    at_send = h.store.load();
    return dispatch_details(101);
  });
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(r->html_url == "https://github.example.test/o/r/actions/runs/101");
  REQUIRE(at_send);
  CHECK(at_send->state == State::kIntent);
  CHECK(at_send->baseline_run_id == 100);
  CHECK(at_send->since == "2026-03-01T12:00:00Z");
  CHECK(at_send->correlation_id.size() == 32);
  auto saved = h.store.load();
  REQUIRE(saved);
  CHECK(saved->state == State::kAccepted);
  CHECK(saved->run_id == 101);
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.clock.sleeps().empty());
}

TEST_CASE("dispatch: a 204 is followed by finding the run, which shows up late", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", answer(204));
  h.http.script("list", run_list({older()}));
  h.http.script("list", run_list({older()}));
  h.http.script("list", run_list({ours(), older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.clock.sleeps().size() == 2);
  CHECK(h.clock.sleeps()[0] == Millis(2000));
  CHECK(h.store.load()->run_id == 101);
}

TEST_CASE("dispatch: the search uses the created filter and the newest run seen before", "[gh-dispatch]") {
  Harness h;
  FakeRun someone_elses = ours(150, -30);  // newer id than the baseline? no: created before the dispatch
  h.http.script("list", run_list({older(100)}));
  h.http.script("dispatch", answer(204));
  h.http.script("list", run_list({ours(160, 2), someone_elses}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 160);
  auto sent = h.http.sent();
  CHECK(sent[2].url.find("created=%3E%3D2026-03-01T12%3A00%3A00Z") != std::string::npos);
}

TEST_CASE("dispatch: one dispatch under a lost answer: timeout, dropped connection, 5xx", "[gh-dispatch]") {
  HttpResponse fault = GENERATE(transport_error("Operation timed out after 30000 milliseconds with 0 bytes received"),
                                transport_error("Empty reply from server"), github_error(502, "Bad Gateway"),
                                github_error(500, "Server Error"), github_error(504, "Gateway Timeout"));
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", fault);
  h.http.script("list", run_list({older()}));  // not listed yet
  h.http.script("list", run_list({ours(), older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.logged("answer was lost"));
  CHECK(h.logged("the dispatch had gone through"));
  CHECK(h.store.load()->state == State::kAccepted);
}

TEST_CASE("dispatch: a lost answer and no run in the window fails as transient, intent kept", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", transport_error("Empty reply from server"));
  SystemTime last_list_at;
  h.http.fallback("list", [&](const HttpRequest&) {
    last_list_at = h.clock.wall_now();
    return run_list({older()});
  });
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kTransient);
  CHECK_THAT(r.error().summary, Catch::Contains("no run of it appeared within 1m30s"));
  CHECK(h.http.count("dispatch") == 1);
  CHECK(last_list_at >= epoch() + h.params.timing.find_window);  // the last look came after the window
  CHECK(h.store.load()->state == State::kIntent);
}

TEST_CASE("dispatch: the next attempt looks once more, then dispatches again", "[gh-dispatch]") {
  Harness h;
  DispatchRecord rec;
  rec.correlation_id = "c1";
  rec.fingerprint = h.params.fingerprint();
  rec.state = State::kIntent;
  rec.since = "2026-03-01T12:00:00Z";
  rec.baseline_run_id = 100;
  rec.sent_at_ms = std::chrono::duration_cast<Millis>(epoch().time_since_epoch()).count();
  REQUIRE(h.store.save(rec).empty());
  h.clock.advance(Millis(200000));  // the window passed during the executor's backoff
  h.attempt = 2;
  h.http.script("list", run_list({older()}));  // the look: none
  h.http.script("list", run_list({older()}));  // the new baseline
  h.http.script("dispatch", dispatch_details(102));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 102);
  CHECK(r->correlation_id != "c1");
  CHECK(r->attempt == 2);
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.logged("created none; dispatching"));
}

TEST_CASE("dispatch: the next attempt finds a run the earlier one created and sends nothing", "[gh-dispatch]") {
  Harness h;
  DispatchRecord rec;
  rec.correlation_id = "c1";
  rec.fingerprint = h.params.fingerprint();
  rec.since = "2026-03-01T12:00:00Z";
  rec.baseline_run_id = 100;
  rec.sent_at_ms = std::chrono::duration_cast<Millis>(epoch().time_since_epoch()).count();
  REQUIRE(h.store.save(rec).empty());
  h.clock.advance(Millis(200000));
  FakeRun late = ours(101, 100);  // listed only after the first attempt gave up
  h.http.script("list", run_list({late, older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(h.http.count("dispatch") == 0);
}

TEST_CASE("dispatch: a refused connection sent nothing: no search, transient, next attempt dispatches",
          "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch",
                transport_error("Failed to connect to api.example.test port 443: Connection refused", false));
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kTransient);
  CHECK(h.http.count("list") == 1);
  CHECK(h.clock.sleeps().empty());
  CHECK(h.store.load()->state == State::kRejected);
}

TEST_CASE("dispatch: 401, 404 and 422 fail at once as permanent with GitHub's message", "[gh-dispatch]") {
  auto [status, message] = GENERATE(table<int, std::string>(
      {{401, "Bad credentials"}, {404, "Not Found"}, {422, "Unexpected inputs provided: [x]"}}));
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", github_error(status, message));
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kPermanent);
  CHECK_THAT(r.error().summary, Catch::Contains(message));
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.store.load()->state == State::kRejected);
}

TEST_CASE("dispatch: a rate-limited dispatch is classified with the wait the server asked", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", github_error(429, "You have exceeded a secondary rate limit", {{"retry-after", "30"}}));
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kRateLimited);
  CHECK(r.error().retry_after == Millis(30000));
  CHECK(h.store.load()->state == State::kRejected);
}

TEST_CASE("dispatch: a server that rejects return_run_details gets the request without it", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch",
                answer(422, R"({"message":"Invalid request.\n\n\"return_run_details\" is not a permitted key."})"));
  h.http.script("dispatch", answer(204));
  h.http.script("list", run_list({ours(), older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  auto sent = h.http.sent();
  CHECK(sent[1].body.find("return_run_details") != std::string::npos);
  CHECK(sent[2].body.find("return_run_details") == std::string::npos);
}

TEST_CASE("dispatch: when the runs cannot be listed first, nothing is dispatched", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", github_error(503, "Service Unavailable"));
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kTransient);
  CHECK_THAT(r.error().summary, Catch::Contains("nothing dispatched"));
  CHECK(h.http.count("dispatch") == 0);
  CHECK_FALSE(h.store.load());
}

TEST_CASE("dispatch: when the intent cannot be recorded, nothing is dispatched", "[gh-dispatch]") {
  Harness h;
  wf::test::TempDir other;
  std::string file = other.write("a-file", "x");
  RecordStore unwritable(file + "/steps/smoke");
  Session s{h.api, h.clock, h.clock.cancel(), h.params, unwritable, [](const std::string&) {}, 1};
  h.http.script("list", run_list({older()}));
  auto r = ensure_dispatched(s);
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kPermanent);
  CHECK(h.http.count("dispatch") == 0);
}

TEST_CASE("dispatch: an earlier attempt's run still going is followed, not dispatched again", "[gh-dispatch]") {
  Harness h;
  DispatchRecord rec;
  rec.correlation_id = "c1";
  rec.fingerprint = h.params.fingerprint();
  rec.state = State::kAccepted;
  rec.run_id = 101;
  REQUIRE(h.store.save(rec).empty());
  FakeRun running = ours();
  running.status = "in_progress";
  h.http.script("get", run_answer(running));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(r->html_url == "https://github.example.test/o/r/actions/runs/101");
  CHECK(h.http.count("dispatch") == 0);
  CHECK(h.logged("instead of dispatching again"));
}

TEST_CASE("dispatch: an earlier run that failed, was cancelled by wf or vanished is dispatched anew", "[gh-dispatch]") {
  Harness h;
  DispatchRecord rec;
  rec.correlation_id = "c1";
  rec.fingerprint = h.params.fingerprint();
  rec.state = State::kAccepted;
  rec.run_id = 101;
  SECTION("failed") {
    FakeRun failed = ours();
    failed.status = "completed";
    failed.conclusion = "failure";
    h.http.script("get", run_answer(failed));
  }
  SECTION("cancelled by wf") { rec.state = State::kCancelRequested; }
  SECTION("deleted") { h.http.script("get", github_error(404, "Not Found")); }
  REQUIRE(h.store.save(rec).empty());
  h.http.script("list", run_list({ours(), older()}));
  h.http.script("dispatch", dispatch_details(102));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 102);
  CHECK(h.http.count("dispatch") == 1);
}

TEST_CASE("dispatch: a record of another dispatch (changed inputs) is not reconciled", "[gh-dispatch]") {
  Harness h;
  DispatchRecord rec;
  rec.correlation_id = "c1";
  rec.fingerprint = "someotherfingerprint";
  rec.state = State::kAccepted;
  rec.run_id = 101;
  REQUIRE(h.store.save(rec).empty());
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", dispatch_details(102));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 102);
  CHECK(h.http.count("get") == 0);
}

TEST_CASE("dispatch: the search outlasts a few failed listings and rate limits", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", github_error(502, "Bad Gateway"));
  h.http.script("list", github_error(502, "Bad Gateway"));
  h.http.script("list", transport_error("Connection reset by peer"));
  h.http.script("list", github_error(403, "You have exceeded a secondary rate limit", {{"retry-after", "20"}}));
  h.http.script("list", run_list({ours(), older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(h.http.count("dispatch") == 1);
  CHECK(std::find(h.clock.sleeps().begin(), h.clock.sleeps().end(), Millis(20000)) != h.clock.sleeps().end());
}

TEST_CASE("dispatch: when GitHub cannot be asked whether a run exists, the attempt fails, nothing resent",
          "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", github_error(502, "Bad Gateway"));
  h.http.fallback("list", [](const HttpRequest&) { return github_error(503, "Service Unavailable"); });
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kTransient);
  CHECK_THAT(r.error().summary, Catch::Contains("cannot tell whether dispatch"));
  CHECK(h.http.count("dispatch") == 1);
  CHECK(h.store.load()->state == State::kIntent);
}

TEST_CASE("dispatch: two runs right after the dispatch: the first is taken, with a warning", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", answer(204));
  h.http.script("list", run_list({ours(102, 2), ours(101, 1), older()}));
  auto r = h.dispatch();
  REQUIRE(r);
  CHECK(r->run_id == 101);
  CHECK(h.logged("another dispatch at the same time"));
}

TEST_CASE("dispatch: cancelled while looking for the run: the run found is cancelled too", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", transport_error("Operation timed out"));
  h.http.script("list", run_list({older()}));
  h.clock.cancel_at_sleep(1);
  h.http.script("list", run_list({ours(), older()}));  // the detached look after cancellation
  h.http.script("cancel", answer(202, "{}"));
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kCancelled);
  CHECK_THAT(r.error().summary, Catch::Contains("run 101 cancelled too"));
  CHECK(h.http.count("cancel") == 1);
  CHECK(h.store.load()->state == State::kCancelRequested);
}

TEST_CASE("dispatch: cancelled with cancel-on-abort off: nothing is cancelled", "[gh-dispatch]") {
  Harness h;
  h.params.cancel_on_abort = false;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", transport_error("Operation timed out"));
  h.http.script("list", run_list({older()}));
  h.clock.cancel_at_sleep(1);
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kCancelled);
  CHECK(h.http.count("cancel") == 0);
}

TEST_CASE("dispatch: a 204 whose run never appears fails as permanent", "[gh-dispatch]") {
  Harness h;
  h.http.script("list", run_list({older()}));
  h.http.script("dispatch", answer(204));
  h.http.fallback("list", [](const HttpRequest&) { return run_list({older()}); });
  auto r = h.dispatch();
  REQUIRE_FALSE(r);
  CHECK(r.error().failure_class == FailureClass::kPermanent);
  CHECK_THAT(r.error().summary, Catch::Contains("accepted the dispatch"));
  CHECK(h.http.count("dispatch") == 1);
}
