// gh-dispatch: reading `with:` and the environment.

#include "steps/gh_dispatch/params.h"

#include <catch2/catch.hpp>

#include "runner/core/json.h"

using namespace wf::steps::gh;
using wf::core::Value;

namespace {

Value with(const std::string& json) { return *wf::core::parse_json(json); }

const char* kBase = R"({"repo":"octo-org/deploy-repo","workflow":"deploy.yaml","ref":"main","token":"tok-123",
                        "wait":true,"poll-interval":"5s","cancel-on-abort":true})";

}  // namespace

TEST_CASE("params: a minimal step reads with GitHub's defaults", "[gh-dispatch]") {
  auto p = parse_params(with(kBase), {}, true);
  REQUIRE(p);
  CHECK(p->owner == "octo-org");
  CHECK(p->name == "deploy-repo");
  CHECK(p->workflow == "deploy.yaml");
  CHECK(p->ref == "main");
  CHECK(p->branch == "main");
  CHECK(p->api_url == "https://api.github.com");
  CHECK(p->wait);
  CHECK(p->poll_interval == Millis(5000));
  CHECK_FALSE(p->timeout);
  CHECK(p->cancel_on_abort);
}

TEST_CASE("params: the token falls back to GITHUB_TOKEN, then GH_TOKEN", "[gh-dispatch]") {
  Value w = with(R"({"repo":"o/r","workflow":"d.yml","ref":"main"})");
  CHECK(parse_params(w, {{"GITHUB_TOKEN", "a-token"}, {"GH_TOKEN", "b-token"}}, true)->token == "a-token");
  CHECK(parse_params(w, {{"GH_TOKEN", "b-token"}}, true)->token == "b-token");
  auto none = parse_params(w, {}, true);
  REQUIRE_FALSE(none);
  CHECK_THAT(none.error(), Catch::Contains("GITHUB_TOKEN"));
  CHECK(parse_params(w, {}, false));  // wf plan needs no token
}

TEST_CASE("params: api-url defaults to GITHUB_API_URL, without a trailing slash", "[gh-dispatch]") {
  Value w = with(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t"})");
  CHECK(parse_params(w, {{"GITHUB_API_URL", "https://ghe.example/api/v3/"}}, true)->api_url ==
        "https://ghe.example/api/v3");
  Value w2 = w.with("api-url", "http://127.0.0.1:8080");
  CHECK(parse_params(w2, {{"GITHUB_API_URL", "https://ghe.example/api/v3"}}, true)->api_url == "http://127.0.0.1:8080");
  CHECK_FALSE(parse_params(w.with("api-url", "ftp://x"), {}, true));
}

TEST_CASE("params: inputs are sent as strings, in file order", "[gh-dispatch]") {
  Value w = with(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t",
                     "inputs":{"cluster":"a","smoke":true,"replicas":3}})");
  auto p = parse_params(w, {}, true);
  REQUIRE(p);
  CHECK(p->inputs_json() == R"({"cluster":"a","smoke":"true","replicas":"3"})");
}

TEST_CASE("params: more than 25 inputs are refused before anything is sent", "[gh-dispatch]") {
  Value::Object inputs;
  for (int i = 0; i < 26; ++i) inputs.emplace_back("in" + std::to_string(i), "v");
  Value w = with(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t"})").with("inputs", Value(inputs));
  auto p = parse_params(w, {}, true);
  REQUIRE_FALSE(p);
  CHECK_THAT(p.error(), Catch::Contains("at most 25"));
}

TEST_CASE("params: repo, workflow and ref are checked", "[gh-dispatch]") {
  auto bad = [](const std::string& json) { return !parse_params(with(json), {{"GH_TOKEN", "t"}}, true); };
  CHECK(bad(R"({"repo":"just-a-name","workflow":"d.yml","ref":"main"})"));
  CHECK(bad(R"({"repo":"o/r/x","workflow":"d.yml","ref":"main"})"));
  CHECK(bad(R"({"repo":"o/r","workflow":"deploy","ref":"main"})"));
  CHECK(bad(R"({"repo":"o/r","workflow":"d.yml","ref":""})"));
  CHECK_FALSE(bad(R"({"repo":"o/r","workflow":"161335","ref":"main"})"));
  auto p = parse_params(with(R"({"repo":"o/r","workflow":".github/workflows/d.yml","ref":"refs/tags/v1"})"),
                        {{"GH_TOKEN", "t"}}, true);
  REQUIRE(p);
  CHECK(p->workflow == "d.yml");
  CHECK(p->ref == "refs/tags/v1");
  CHECK(p->branch == "v1");
}

TEST_CASE("params: the fingerprint changes with what is dispatched, not with the token", "[gh-dispatch]") {
  auto fp = [](const std::string& json) { return parse_params(with(json), {}, true)->fingerprint(); };
  std::string a = fp(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t1","inputs":{"x":"1"}})");
  CHECK(a == fp(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t2","inputs":{"x":"1"}})"));
  CHECK(a != fp(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t1","inputs":{"x":"2"}})"));
  CHECK(a != fp(R"({"repo":"o/r","workflow":"d.yml","ref":"dev","token":"t1","inputs":{"x":"1"}})"));
}

TEST_CASE("params: durations", "[gh-dispatch]") {
  Value w =
      with(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t","poll-interval":"250ms","timeout":"1h30m"})");
  auto p = parse_params(w, {}, true);
  REQUIRE(p);
  CHECK(p->poll_interval == Millis(250));
  CHECK(p->timeout == Millis(5400000));
  CHECK_FALSE(parse_params(w.with("poll-interval", "0s"), {}, true));
}

TEST_CASE("params: request-timeout and find-run-timeout set the step's waits, GitHub's rules stay", "[gh-dispatch]") {
  Value w = with(R"({"repo":"o/r","workflow":"d.yml","ref":"main","token":"t"})");
  auto normal = parse_params(w, {}, true);
  REQUIRE(normal);
  CHECK(normal->timing.request_timeout == Millis(30000));
  CHECK(normal->timing.find_window == Millis(90000));
  CHECK(normal->timing.secondary_limit_wait == Millis(60000));
  auto fast = parse_params(w.with("request-timeout", "600ms").with("find-run-timeout", "2s"), {}, true);
  REQUIRE(fast);
  CHECK(fast->timing.request_timeout == Millis(600));
  CHECK(fast->timing.find_window == Millis(2000));
  CHECK(fast->timing.secondary_limit_wait == Millis(60000));
  auto zero = parse_params(w.with("find-run-timeout", "0s"), {}, true);
  REQUIRE_FALSE(zero);
  CHECK(zero.error() == "with.find-run-timeout: expected a positive duration such as 20s or 5m");
}
