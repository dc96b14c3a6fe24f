#include "runner/model/workflow.h"

#include <catch2/catch.hpp>

using namespace wf::model;

TEST_CASE("retry policy: by default every class but permanent and cancelled is retried", "[model]") {
  RetryPolicy p;
  CHECK(p.retries(FailureClass::kTransient));
  CHECK(p.retries(FailureClass::kRateLimited));
  CHECK(p.retries(FailureClass::kLock));
  CHECK(p.retries(FailureClass::kTimeout));
  CHECK_FALSE(p.retries(FailureClass::kPermanent));
  CHECK_FALSE(p.retries(FailureClass::kCancelled));
}

TEST_CASE("retry policy: `when` lists the classes, `failure` means any but cancelled", "[model]") {
  RetryPolicy p;
  p.when = {FailureClass::kTransient, FailureClass::kRateLimited};
  CHECK(p.retries(FailureClass::kTransient));
  CHECK_FALSE(p.retries(FailureClass::kLock));
  p.when.clear();
  p.when_any_failure = true;
  CHECK(p.retries(FailureClass::kPermanent));
  CHECK_FALSE(p.retries(FailureClass::kCancelled));
  p.when = {FailureClass::kCancelled};
  CHECK(p.retries(FailureClass::kCancelled));
}

TEST_CASE("workflow: steps, inputs, secrets and params are found by name", "[model]") {
  Workflow wf;
  wf.steps.resize(2);
  wf.steps[0].id = "a";
  wf.steps[1].id = "b";
  wf.steps[1].with.emplace_back("script", Param{});
  wf.steps[1].with[0].second.value = Value("echo");
  wf.inputs.emplace_back().name = "cluster";
  wf.secrets.emplace_back().name = "token";
  CHECK(wf.step("b") == &wf.steps[1]);
  CHECK(wf.step("c") == nullptr);
  CHECK(wf.input("cluster") == &wf.inputs[0]);
  CHECK(wf.input("other") == nullptr);
  CHECK(wf.secret("token") == &wf.secrets[0]);
  REQUIRE(wf.steps[1].param("script"));
  CHECK(wf.steps[1].param("script")->value.as_string() == "echo");
  CHECK(wf.steps[1].param("shell") == nullptr);
}

TEST_CASE("named values: steps may read steps and env, the top-level env may not", "[model]") {
  CHECK(step_named_values() == std::vector<std::string>{"inputs", "env", "secrets", "steps", "git", "wf", "matrix"});
  CHECK(workflow_named_values() == std::vector<std::string>{"inputs", "secrets", "git", "wf"});
}
