// gh-dispatch through the StepType contract (schema, preview, run) with a
// fake HttpClient: the token is a secret from the first line on.

#include "steps/gh_dispatch/gh_dispatch_step.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "github_fakes.h"
#include "runner/core/json.h"
#include "tests/support/command.h"
#include "tests/support/recording_log.h"

using namespace wf::gh_test;
using wf::core::FailureClass;
using wf::core::Value;
using wf::step_api::StepContext;

namespace {

struct Harness {
  wf::test::TempDir tmp;
  FakeHttp http;
  wf::test::RecordingLog log;
  FakeClock clock;
  wf::core::CancelToken cancel;
  StepContext ctx;
  wf::steps::GhDispatchStep step;

  explicit Harness(const std::string& with_json) {
    ctx.step_id = "smoke";
    ctx.with = *wf::core::parse_json(with_json);
    ctx.attempt_dir = tmp.path() + "/runs/r1/steps/smoke/1";
    std::filesystem::create_directories(ctx.attempt_dir);
    ctx.working_directory = tmp.path();
    ctx.log = &log;
    ctx.http = &http;
    ctx.cancel = &cancel;
    ctx.clock = &clock;
  }
};

const char* kWith =
    R"({"repo":"octo-org/deploy-repo","workflow":"deploy.yaml","ref":"main","token":"tok-VERY-secret",
        "inputs":{"cluster":"c1"},"wait":true,"poll-interval":"5s","cancel-on-abort":true,
        "api-url":"https://api.example.test"})";

std::string output(const wf::step_api::StepResult& r, const std::string& name) {
  for (const auto& [k, v] : r.outputs)
    if (k == name) return v.is_string() ? v.as_string() : "<not a string>";
  return "<none>";
}

}  // namespace

TEST_CASE("gh-dispatch step: the schema documents the issue's parameters and outputs", "[gh-dispatch]") {
  wf::steps::GhDispatchStep step;
  const auto& s = step.schema();
  CHECK(s.type == "gh-dispatch");
  for (const char* name :
       {"repo", "workflow", "ref", "inputs", "token", "api-url", "wait", "poll-interval", "timeout", "cancel-on-abort"})
    CHECK(s.find(name) != nullptr);
  CHECK(s.find("repo")->required);
  CHECK(s.find("token")->secret);
  CHECK(s.find("poll-interval")->default_value == Value("5s"));
  CHECK(s.find("wait")->default_value == Value(true));
  std::vector<std::string> outputs;
  for (const auto& [k, doc] : s.outputs) outputs.push_back(k);
  CHECK(outputs == std::vector<std::string>{"run-id", "run-url", "html-url", "conclusion"});
}

TEST_CASE("gh-dispatch step: the preview says what would be dispatched and sends nothing", "[gh-dispatch]") {
  Harness h(kWith);
  auto p = h.step.preview(h.ctx);
  REQUIRE(p);
  CHECK(p->changes);
  CHECK_THAT(p->text, Catch::StartsWith(
                          R"(would dispatch deploy.yaml on octo-org/deploy-repo@main with inputs {"cluster":"c1"})"));
  CHECK(h.http.sent().empty());
  CHECK(p->text.find("tok-VERY-secret") == std::string::npos);
}

TEST_CASE("gh-dispatch step: a run through the contract: dispatch, wait, outputs, the token stays secret",
          "[gh-dispatch]") {
  Harness h(kWith);
  h.http.script("list", run_list({}));
  h.http.script("dispatch", dispatch_details(7000000042LL));
  FakeRun done;
  done.id = 7000000042LL;
  done.status = "completed";
  done.conclusion = "success";
  h.http.script("get", run_answer(done));
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  CHECK(output(r, "run-id") == "7000000042");
  CHECK(output(r, "conclusion") == "success");
  REQUIRE_FALSE(h.log.secrets().empty());
  CHECK(h.log.secrets()[0] == "tok-VERY-secret");
  CHECK(h.log.secret_positions()[0] == 0);
  CHECK(h.log.text().find("tok-VERY-secret") == std::string::npos);
  CHECK(r.summary.find("tok-VERY-secret") == std::string::npos);
  CHECK(std::filesystem::exists(h.tmp.path() + "/runs/r1/steps/smoke/dispatch.json"));
  CHECK(wf::test::read_file(h.tmp.path() + "/runs/r1/steps/smoke/dispatch.json").find("tok-VERY") == std::string::npos);
}

TEST_CASE("gh-dispatch step: a token from GITHUB_TOKEN is registered as a secret too", "[gh-dispatch]") {
  Harness h(R"({"repo":"o/r","workflow":"d.yml","ref":"main","wait":false,"api-url":"https://api.example.test"})");
  h.ctx.env["GITHUB_TOKEN"] = "ghs_fromTheEnvironment";
  h.http.script("list", run_list({}));
  h.http.script("dispatch", dispatch_details(5));
  auto r = h.step.run(h.ctx);
  REQUIRE(r.ok);
  auto secrets = h.log.secrets();
  CHECK(std::find(secrets.begin(), secrets.end(), "ghs_fromTheEnvironment") != secrets.end());
  CHECK(output(r, "run-id") == "5");
  CHECK(output(r, "conclusion") == "");
  CHECK(h.http.count("get") == 0);  // wait: false
}

TEST_CASE("gh-dispatch step: bad parameters and a missing token fail as permanent before any request",
          "[gh-dispatch]") {
  Harness h(R"({"repo":"o/r","workflow":"d.yml","ref":"main","api-url":"https://api.example.test"})");
  auto r = h.step.run(h.ctx);
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kPermanent);
  CHECK_THAT(r.summary, Catch::Contains("no token"));
  CHECK(h.http.sent().empty());
}

TEST_CASE("gh-dispatch step: a step that was cancelled before it started sends nothing", "[gh-dispatch]") {
  Harness h(kWith);
  h.cancel.cancel();
  auto r = h.step.run(h.ctx);
  CHECK_FALSE(r.ok);
  CHECK(r.failure_class == FailureClass::kCancelled);
  CHECK(h.http.count("dispatch") == 0);
}

TEST_CASE("gh-dispatch step: validate checks the known values, leaves those given by an expression to the run",
          "[gh-dispatch]") {
  wf::steps::GhDispatchStep step;
  REQUIRE(step.schema().validate);
  wf::core::ParamCheck known(*wf::core::parse_json(R"({"repo":"planetarium","workflow":"smoke.yaml","ref":"main"})"),
                             {});
  step.schema().validate(known);
  REQUIRE(known.problems().size() == 1);
  CHECK(known.problems()[0].param == "repo");
  CHECK(known.problems()[0].message == "'planetarium' is not OWNER/NAME");

  // `repo: ${{ inputs.repo }}`: the loader passes it as dynamic, not as its text.
  wf::core::ParamCheck dynamic(*wf::core::parse_json(R"({"workflow":"smoke.yaml","ref":"main"})"), {"repo"});
  step.schema().validate(dynamic);
  CHECK(dynamic.problems().empty());
}
