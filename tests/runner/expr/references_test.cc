#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "runner/core/strings.h"
#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;

namespace {

Expression parse(std::string_view text) {
  ParseOptions o;
  o.named_values = {"steps", "inputs", "env", "needs", "github"};
  auto e = Expression::parse(text, o);
  INFO("expression: " << text << (e ? "" : " -> " + test::show(e.error())));
  REQUIRE(e.ok());
  return *e;
}

// "steps.build.outputs.digest@1" per reference.
std::vector<std::string> refs(std::string_view text) {
  std::vector<std::string> out;
  Expression e = parse(text);
  for (const auto& r : e.references()) out.push_back(core::join(r.path, ".") + "@" + std::to_string(r.column));
  return out;
}

using Refs = std::vector<std::string>;

}  // namespace

TEST_CASE("expr: references list every context path read", "[expr]") {
  CHECK(refs("steps.build.outputs.digest") == Refs{"steps.build.outputs.digest@1"});
  CHECK(refs("inputs['cluster']") == Refs{"inputs.cluster@1"});
  CHECK(refs("inputs") == Refs{"inputs@1"});
  CHECK(refs("1 == 2") == Refs{});
  CHECK(refs("") == Refs{});
}

TEST_CASE("expr: references keep the spelling and stop at the first non-literal access", "[expr]") {
  CHECK(refs("Steps.Build.OUTPUTS") == Refs{"Steps.Build.OUTPUTS@1"});
  CHECK(refs("steps[inputs.id].outputs") == Refs{"steps@1", "inputs.id@7"});
  CHECK(refs("needs.*.result") == Refs{"needs@1"});
  CHECK(refs("needs[*].result") == Refs{"needs@1"});
  CHECK(refs("steps.a[0].b") == Refs{"steps.a@1"});
  CHECK(refs("steps['a'].b['c-d']") == Refs{"steps.a.b.c-d@1"});
  CHECK(refs("(steps).a") == Refs{"steps@2"});
  CHECK(refs("fromJSON(env.x).y") == Refs{"env.x@10"});
}

TEST_CASE("expr: references come in source order, including skipped branches", "[expr]") {
  CHECK(refs("false && env.A || format('{0}', inputs.b, steps.s.outcome)") ==
        Refs{"env.A@10", "inputs.b@33", "steps.s.outcome@43"});
  CHECK(refs("github.ref == 'x'\n  && inputs.y") == Refs{"github.ref@1", "inputs.y@24"});
}

TEST_CASE("expr: uses_status_function spots the status functions", "[expr]") {
  CHECK_FALSE(parse("inputs.x == 1").uses_status_function());
  CHECK(parse("success()").uses_status_function());
  CHECK(parse("FAILURE() && inputs.x").uses_status_function());
  CHECK(parse("!cancelled()").uses_status_function());
  CHECK(parse("false && always()").uses_status_function());
  CHECK_FALSE(parse("contains('success()', 'x')").uses_status_function());
}

TEST_CASE("expr: an Expression keeps its text and can be copied and shared", "[expr]") {
  Expression e = parse("inputs.n == 2");
  Expression copy = e;
  CHECK(copy.text() == "inputs.n == 2");
  EvalContext ctx;
  ctx.named_values = test::context(R"({"inputs": {"n": "2"}})");
  CHECK(test::show(*copy.evaluate(ctx)) == "true");
  CHECK(test::show(*e.evaluate(ctx)) == "true");
  // A named value allowed at parse time but absent at evaluation is null.
  CHECK(test::show(*parse("env.X").evaluate(ctx)) == "null");
}
