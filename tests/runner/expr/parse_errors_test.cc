#include <catch2/catch.hpp>

#include <string>

#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;
using namespace wf::expr::test;

namespace {

Error parse_error(std::string_view text, std::vector<std::string> names = {"github", "inputs", "steps"}) {
  ParseOptions o;
  o.named_values = std::move(names);
  auto e = Expression::parse(text, o);
  INFO("expression: " << text);
  REQUIRE_FALSE(e.ok());
  return e.error();
}

}  // namespace

TEST_CASE("expr: malformed tokens are lexing errors at their column", "[expr]") {
  struct Row {
    const char* expr;
    int column;
    const char* message;
  };
  for (const auto& r : std::initializer_list<Row>{
           {"1 = < 2", 3, "Unexpected symbol: '='"},
           {"1 & 2", 3, "Unexpected symbol: '&'"},
           {"1 |2", 3, "Unexpected symbol: '|2'"},
           {"github.b@r", 8, "Unexpected symbol: 'b@r'"},
           {"0x01p2", 1, "Unexpected symbol: '0x01p2'"},
           {"-0xFF", 1, "Unexpected symbol: '-0xFF'"},
           {"-Inf", 1, "Unexpected symbol: '-Inf'"},
           {"'open", 1, "Unexpected symbol: ''open'; the string has no closing quote"},
           {"inputs.x == \"prod\"", 13, "Unexpected symbol: '\"prod\"'; strings use single quotes ('text')"},
           {"..github/workflow.md", 1, "Unexpected symbol: '..github/workflow.md'"},
           {"github/workflow.md", 1, "Unexpected symbol: 'github/workflow'"},
       }) {
    Error e = parse_error(r.expr);
    CHECK(show(e) == "lexing error at " + std::to_string(r.column) + ": " + r.message);
  }
}

TEST_CASE("expr: misplaced tokens are parsing errors at their column", "[expr]") {
  struct Row {
    const char* expr;
    int column;
    const char* message;
  };
  for (const auto& r : std::initializer_list<Row>{
           {"1 <", 3, "Unexpected end of expression: '<'"},
           {"1 < )", 5, "Unexpected symbol: ')'"},
           {"> 1", 1, "Unexpected symbol: '>'"},
           {"github.()", 8, "Unexpected symbol: '('"},
           {"github.1", 8, "Unexpected symbol: '1'"},
           {"(1,", 3, "Unexpected symbol: ','"},
           {"1 2", 3, "Unexpected symbol: '2'"},
           {"(1", 2, "Unexpected end of expression: '1'"},
           {"github[", 7, "Unexpected end of expression: '['"},
           {"'a'[0]", 4, "Unexpected symbol: '['"},
           {"format('a',)", 12, "Unexpected symbol: ')'"},
           {"endswith(1, 2 a)", 15, "Unexpected symbol: 'a'"},
       }) {
    Error e = parse_error(r.expr);
    CHECK(show(e) == "parsing error at " + std::to_string(r.column) + ": " + r.message);
  }
}

TEST_CASE("expr: an unknown named value is a parse error with a suggestion", "[expr]") {
  Error e = parse_error("inputs.a == 1 && imputs.b");
  CHECK(show(e) == "parsing error at 18: Unrecognized named-value: 'imputs'; did you mean 'inputs'?");
  CHECK(show(parse_error("env.X")) == "parsing error at 1: Unrecognized named-value: 'env'");
  CHECK(show(parse_error("True")) == "parsing error at 1: Unrecognized named-value: 'True'");
  // Columns count from the start of the text, across lines.
  CHECK(parse_error("github.event_name == 'push'\n && !contains(env.COMMIT_MESSAGES)").column == 43);
}

TEST_CASE("expr: function errors are raised at parse time, even in skipped branches", "[expr]") {
  CHECK(show(parse_error("false && nonExistentFunction()")) ==
        "parsing error at 10: Unrecognized function: 'nonExistentFunction'");
  CHECK(show(parse_error("fromJsn('1')")) ==
        "parsing error at 1: Unrecognized function: 'fromJsn'; did you mean 'fromJSON'?");
  CHECK(show(parse_error("true || join()")) ==
        "parsing error at 9: Too few parameters supplied: 'join' (join() takes 1 to 2, got 0)");
  CHECK(show(parse_error("startsWith('a', 'b', 'c')")) ==
        "parsing error at 1: Too many parameters supplied: 'startsWith' (startsWith() takes 2, got 3)");
  CHECK(show(parse_error("success(1)")) ==
        "parsing error at 1: Too many parameters supplied: 'success' (success() takes 0, got 1)");
  CHECK(show(parse_error("case(true, 1)")) ==
        "parsing error at 1: Too few parameters supplied: 'case' (case() takes at least 3, got 2)");
  CHECK_THAT(parse_error("case(true, 1, false, 2)").message,
             Catch::StartsWith("Even number of parameters supplied, requires an odd number of parameters: 'case'"));
}

TEST_CASE("expr: expressions deeper than 50 are rejected", "[expr]") {
  auto nots = [](int n) { return std::string(static_cast<size_t>(n), '!') + "false"; };
  auto props = [](int n) {
    std::string s = "github";
    for (int i = 1; i <= n; ++i) s += "._" + std::to_string(i);
    return s;
  };
  auto calls = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "toJSON(";
    return s + "1" + std::string(static_cast<size_t>(n), ')');
  };
  auto groups = [](int n) { return std::string(static_cast<size_t>(n), '(') + "1" + std::string(static_cast<size_t>(n), ')'); };
  ParseOptions o;
  o.named_values = {"github"};
  CHECK(Expression::parse(nots(49), o).ok());
  CHECK(Expression::parse(props(49), o).ok());
  CHECK(Expression::parse(calls(49), o).ok());
  CHECK(Expression::parse(groups(49), o).ok());
  for (const auto& text : {nots(50), props(50), calls(50), groups(50), nots(5000)}) {
    Error e = parse_error(text, {"github"});
    CHECK(e.stage == Error::Stage::kParsing);
    CHECK(e.message == "Exceeded max expression depth 50");
  }
  // Long chains of one operator count once.
  std::string chain = "1";
  for (int i = 2; i <= 200; ++i) chain += " && " + std::to_string(i);
  CHECK(run(chain) == "200");
}

TEST_CASE("expr: expressions longer than 21000 characters are rejected", "[expr]") {
  std::string text = "'" + std::string(21000, 'x') + "'";
  Error e = parse_error(text);
  CHECK(e.stage == Error::Stage::kLexing);
  CHECK(e.message == "Exceeded max expression length 21000");
  CHECK(Expression::parse("'" + std::string(20998, 'x') + "'", {}).ok());
}

TEST_CASE("expr: evaluation stops when it would hold more than the memory limit", "[expr]") {
  // 40 copies of a 10,000-character string cost about 800 KB each time;
  // two such strings alive at once pass GitHub's 1 MiB.
  std::string big(10000, 'x');
  std::string ctx = R"({"big": ")" + big + "\"}";
  std::string forty = "format('" + [] {
    std::string s;
    for (int i = 0; i < 40; ++i) s += "{0}";
    return s;
  }() + "', big)";
  CHECK(eval(forty, ctx).ok());
  auto r = eval("startsWith(" + forty + ", " + forty + ")", ctx);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().stage == Error::Stage::kEvaluation);
  CHECK(r.error().message == "The maximum allowed memory size was exceeded");

  // One format() result over the limit fails on its own.
  std::string many;
  for (int i = 0; i < 60; ++i) many += "{0}";
  CHECK_FALSE(eval("format('" + many + "', big)", ctx).ok());

  // The limit is the context's to choose; 0 lifts it.
  core::Value c = context(ctx);
  auto e = Expression::parse("startsWith(" + forty + ", " + forty + ")", options_for(c));
  REQUIRE(e.ok());
  EvalContext ec;
  ec.named_values = c;
  ec.max_memory = 0;
  CHECK(e->evaluate(ec).ok());
}
