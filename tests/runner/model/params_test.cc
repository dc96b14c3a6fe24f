// `with:` values against the step type's declared parameter types.

#include <catch2/catch.hpp>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;
using Errors = std::vector<std::string>;

namespace {

// A deploy step with `with:` as given (one flow mapping or block lines).
std::string deploy(const std::string& with) {
  return "steps:\n  d:\n    uses: deploy\n    with:\n      image: app\n" + with;
}

}  // namespace

TEST_CASE("with: values of every parameter type load as typed values", "[model]") {
  auto r = load(deploy(R"Y(      mode: rolling
      replicas: 3
      wait: false
      timeout: 1h30m
      files: [a.yaml, 2, true]
      labels: { app: web, tier: 1 }
      values: { n: 1, s: "x", list: [true] }
      args: [1, two]
      extra: null
)Y"));
  REQUIRE(errors(r).empty());
  const Step& d = r.workflow->steps[0];
  CHECK(d.param("image")->value == Value("app"));
  CHECK(d.param("mode")->value == Value("rolling"));
  CHECK(d.param("replicas")->value == Value(3));
  CHECK(d.param("wait")->value == Value(false));
  CHECK(d.param("timeout")->value == Value("1h30m"));
  CHECK(d.param("files")->value == Value(Value::Array{"a.yaml", "2", "true"}));
  CHECK(d.param("labels")->value == Value(Value::Object{{"app", "web"}, {"tier", "1"}}));
  CHECK(d.param("values")->value == Value(Value::Object{{"n", 1}, {"s", "x"}, {"list", Value(Value::Array{true})}}));
  CHECK(d.param("args")->value == Value(Value::Array{1, "two"}));
  CHECK(d.param("extra")->value.is_null());
  CHECK(d.param("replicas")->loc.line == 7);
  CHECK(d.param("replicas")->loc.column == 17);
}

TEST_CASE("with: a string parameter keeps the text of a plain number or boolean", "[model]") {
  auto r = load(deploy("      mode: recreate\n      files: 1.20\n") + "  e:\n    run: 1.10\n");
  REQUIRE(errors(r).empty());
  CHECK(r.workflow->steps[0].param("files")->value == Value("1.20"));
  CHECK(r.workflow->steps[1].param("script")->value == Value("1.10"));
}

TEST_CASE("with: values of the wrong type name the expected type", "[model]") {
  CHECK(errors_of(deploy(R"Y(      mode: [rolling]
      replicas: "3"
      wait: yes
      timeout: 10 minutes
      files: { a: 1 }
      labels: [a]
      values: [a]
      args: { a: 1 }
)Y")) == Errors{"6:13: parameter 'mode' of step 'd' must be a string, got a list",
                "7:17: parameter 'replicas' of step 'd' must be a number, got the quoted string '3'",
                "8:13: parameter 'wait' of step 'd' must be a boolean (true or false), got 'yes'",
                "9:16: invalid duration '10 minutes' (use forms like 90s, 10m, 1h30m)",
                "10:14: parameter 'files' of step 'd' must be a string or a list of strings, got a mapping",
                "11:15: parameter 'labels' of step 'd' must be a mapping of strings, got a list",
                "12:15: parameter 'values' of step 'd' must be a mapping, got a list",
                "13:13: parameter 'args' of step 'd' must be a list, got a mapping"});
}

TEST_CASE("with: items of string lists and values of string maps are strings", "[model]") {
  CHECK(errors_of(deploy("      files: [a, [b], {c: d}]\n      labels: { a: x, b: [y], c: }\n")) ==
        Errors{"6:18: each item of parameter 'files' of step 'd' must be a string, got a list",
               "6:23: each item of parameter 'files' of step 'd' must be a string, got a mapping",
               "7:26: 'b' in parameter 'labels' of step 'd' must be a string, got a list",
               "7:31: 'c' in parameter 'labels' of step 'd' must be a string, got nothing"});
}

TEST_CASE("with: choices are checked with a suggestion", "[model]") {
  CHECK(errors_of(deploy("      mode: rolling-update\n      image2: x\n")) ==
        Errors{"6:13: invalid value 'rolling-update' for parameter 'mode' of step 'd' (one of: rolling, recreate)",
               "7:7: unknown parameter 'image2' for step type 'deploy'; did you mean 'image'?"});
  CHECK(errors_of(deploy("      mode: recreat\n")) ==
        Errors{"6:13: invalid value 'recreat' for parameter 'mode' of step 'd' (one of: rolling, recreate); did you "
               "mean 'recreate'?"});
}

TEST_CASE("with: a value that is or holds an expression is checked once resolved", "[model]") {
  auto r = load("inputs: {n: {type: number}, m: {}}\n" + deploy(R"Y(      replicas: ${{ inputs.n }}
      wait: ${{ inputs.n > 1 }}
      timeout: ${{ inputs.m }}m
      mode: ${{ inputs.m }}
      files: ${{ fromJSON(inputs.m) }}
      labels: { a: "${{ inputs.m }}" }
)Y"));
  CHECK(errors(r).empty());
}

TEST_CASE("with: a required parameter given as null is a type error, not a missing one", "[model]") {
  CHECK(errors_of("steps:\n  d:\n    uses: deploy\n    with:\n      image:\n") ==
        Errors{"5:7: parameter 'image' of step 'd' must be a string, got nothing"});
  CHECK(errors_of("steps:\n  d:\n    uses: deploy\n    with: {image: ~}\n") ==
        Errors{"4:19: parameter 'image' of step 'd' must be a string, got null"});
}

TEST_CASE("with: parameters of an unknown step type are still parsed for expressions", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    uses: nope\n    with: {x: \"${{ inputs.missing }}\"}\n") ==
        Errors{"3:11: unknown step type 'nope'", "4:27: unknown input 'missing' (the workflow declares no inputs)"});
}
