// The expression languages of the Argo emulator: expr-lang for `depends` and
// retryStrategy.expression, govaluate (as Argo's `when` uses it).
#include <catch2/catch.hpp>

#include "tests/fixtures/argo/argo_expr.h"

using namespace wf::test::argo;

namespace {

bool expr_true(const std::string& text, const ExprEnv& env = {}) {
  auto r = evaluate_bool(text, env, Dialect::kExpr);
  INFO(text << " -> " << (r ? "" : r.error()));
  REQUIRE(r.ok());
  return *r;
}

bool when_true(const std::string& text) {
  auto r = evaluate_bool(text, {}, Dialect::kGovaluate);
  INFO(text << " -> " << (r ? "" : r.error()));
  REQUIRE(r.ok());
  return *r;
}

}  // namespace

TEST_CASE("argo expr: task results combine with && || ! and parentheses", "[argo]") {
  ExprEnv env{{"a.Succeeded", {true}}, {"a.Failed", {false}}, {"b_c.Skipped", {true}}, {"b_c.Failed", {false}}};
  CHECK(expr_true("a.Succeeded && b_c.Skipped", env));
  CHECK_FALSE(expr_true("a.Failed || b_c.Failed", env));
  CHECK(expr_true("!a.Failed && (a.Failed || b_c.Skipped)", env));
  CHECK(expr_true("not a.Failed and b_c.Skipped", env));
  CHECK_FALSE(expr_true("!(a.Succeeded)", env));
}

TEST_CASE("argo expr: && binds tighter than ||", "[argo]") {
  CHECK(expr_true("true || false && false"));
  CHECK_FALSE(expr_true("(true || false) && false"));
}

TEST_CASE("argo expr: an unknown name is an error, as expr compiles against its environment", "[argo]") {
  auto r = evaluate_bool("a.Succeeded || nosuch.Failed", {{"a.Succeeded", {true}}}, Dialect::kExpr);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("unknown name nosuch.Failed") != std::string::npos);
}

TEST_CASE("argo expr: lastRetry.exitCode is a string, and asInt and in work on it", "[argo]") {
  ExprEnv env{{"lastRetry.exitCode", {std::string("75")}}, {"lastRetry.status", {std::string("Failed")}}};
  CHECK(expr_true("lastRetry.exitCode == '75'", env));
  CHECK_FALSE(expr_true("lastRetry.exitCode == 75", env));  // string vs int: not equal
  CHECK(expr_true("asInt(lastRetry.exitCode) in [75, 76, 77]", env));
  CHECK(expr_true("lastRetry.exitCode in ['75', '76']", env));
  CHECK(expr_true("asInt(lastRetry.exitCode) > 1 && lastRetry.status != \"Error\"", env));
  CHECK_FALSE(expr_true("int(lastRetry.exitCode) in [1, 124]", env));
}

TEST_CASE("argo expr: && on a non-boolean is an error", "[argo]") {
  auto r = evaluate_bool("'x' && true", {}, Dialect::kExpr);
  CHECK_FALSE(r.ok());
  auto n = evaluate_bool("1 + 2", {}, Dialect::kExpr);
  CHECK_FALSE(n.ok());  // not a boolean
}

TEST_CASE("argo when: bare words are strings, numbers are numbers", "[argo]") {
  CHECK(when_true("heads == heads"));
  CHECK_FALSE(when_true("heads == tails"));
  CHECK(when_true("'a b' != 'a c'"));
  CHECK(when_true("5 > 3"));
  CHECK(when_true("5 == 5.0"));
  CHECK_FALSE(when_true("'5' == 5"));
  CHECK(when_true("true"));
  CHECK(when_true("true == true && !false"));
  CHECK_FALSE(when_true("Succeeded == Failed || 1 > 2"));
  CHECK(when_true("abc =~ '^a'"));
  CHECK(when_true("abc !~ 'z'"));
}

TEST_CASE("argo when: a value with a dash must be quoted, as in Argo", "[argo]") {
  auto r = evaluate_bool("my-value == my-value", {}, Dialect::kGovaluate);
  CHECK_FALSE(r.ok());  // govaluate reads my - value
  CHECK(when_true("'my-value' == 'my-value'"));
}

TEST_CASE("argo when: an empty operand is a parse error", "[argo]") {
  CHECK_FALSE(evaluate_bool(" == true", {}, Dialect::kGovaluate).ok());
  CHECK_FALSE(evaluate_bool("true &&", {}, Dialect::kGovaluate).ok());
}
