#include <catch2/catch.hpp>

#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;
using namespace wf::expr::test;

TEST_CASE("expr: function names are case-insensitive", "[expr]") {
  check_all({
      {"cOnTaInS('Hello', 'll')", "true"},
      {"TOJSON(1)", "\"1\""},
      {"fromjson('[1]')", "[1]"},
      {"STARTSWITH('ab', 'A')", "true"},
  });
}

TEST_CASE("expr: contains searches strings case-insensitively and arrays loosely", "[expr]") {
  check_all({
      {"contains('Hello world', 'LLO')", "true"},
      {"contains('abc', '')", "true"},
      {"contains('abc', 'd')", "false"},
      {"contains('1234', 23)", "true"},
      {"contains('true', true)", "true"},
      {"contains('asdf', null)", "true"},
      {"contains(null, '')", "true"},
      {"contains(3.141592, 3.14)", "true"},
      {"contains('abc', fromJSON('[]'))", "false"},
      {"contains(obj, 'a')", "false"},
      {"contains(arr, 'B')", "true"},
      {"contains(arr, 'x')", "false"},
      {"contains(arr, 1)", "true"},
      {"contains(arr, '1')", "true"},
      {"contains(fromJSON('[\"\"]'), null)", "true"},
      {"contains(fromJSON('[0]'), false)", "true"},
      {"contains(fromJSON('[true]'), 'true')", "false"},
      {"contains(fromJSON('[]'), null)", "false"},
      {"contains(fromJSON('[{}]'), fromJSON('{}'))", "false"},
  },
            R"({"obj": {"a": 1}, "arr": ["a", "b", 1]})");
}

TEST_CASE("expr: startsWith and endsWith cast to strings and ignore case", "[expr]") {
  check_all({
      {"startsWith('Hello world', 'he')", "true"},
      {"startsWith('Hello', 'lo')", "false"},
      {"startsWith(123, 12)", "true"},
      {"startsWith('null', null)", "true"},
      {"startsWith(null, 'n')", "false"},
      {"startsWith(arr, 'A')", "false"},
      {"startsWith('ς_x', 'Σ')", "true"},
      {"endsWith('Hello world', 'LD')", "true"},
      {"endsWith('abc', '')", "true"},
      {"endsWith('1234', 23)", "false"},
      {"endsWith('true', true)", "true"},
      {"endsWith('x', arr)", "false"},
  },
            R"({"arr": ["a"]})");
}

TEST_CASE("expr: format replaces {N} and unescapes doubled braces", "[expr]") {
  check_all({
      {"format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat')", "\"Hello Mona the Octocat\""},
      {"format('{0}{0}', 'ab')", "\"abab\""},
      {"format('{{Hello {0}!}}', 'x')", "\"{Hello x!}\""},
      {"format('{{{0}}}', 't')", "\"{t}\""},
      {"format('}}{{')", "\"}{\""},
      {"format('text')", "\"text\""},
      {"format(null)", "\"\""},
      {"format(true)", "\"true\""},
      {"format('{0} {1} {2} {3}', null, 1.50, arr, obj)", "\" 1.5 Array Object\""},
      {"format('{0}', -0)", "\"0\""},
      {"format('{1}', 'a', 'b')", "\"b\""},
  },
            R"({"arr": [], "obj": {}})");
}

TEST_CASE("expr: format rejects malformed and out-of-range placeholders", "[expr]") {
  for (const char* bad : {"format('{0')", "format('{0}}', 1)", "format('0}')", "format('}{0}', 1)", "format('{x}', 1)",
                          "format('{}', 1)", "format('{0:x}', 1)", "format('{0}{', 1)"}) {
    Error e = error_of(bad);
    CHECK(e.stage == Error::Stage::kEvaluation);
    CHECK_THAT(e.message, Catch::StartsWith("The following format string is invalid: "));
  }
  Error e = error_of("format('{0}{1}', 'abc')");
  CHECK(e.message == "The following format string references more arguments than were supplied: {0}{1}");
  CHECK(e.column == 1);
}

TEST_CASE("expr: join casts items and defaults the separator to a comma", "[expr]") {
  check_all({
      {"join(arr)", "\"a,1,true,,Array,Object\""},
      {"join(arr, ' | ')", "\"a | 1 | true |  | Array | Object\""},
      {"join(fromJSON('[\"a\",\"b\"]'), null)", "\"ab\""},
      {"join(fromJSON('[\"a\",\"b\"]'), 1)", "\"a1b\""},
      {"join(fromJSON('[\"a\",\"b\"]'), arr)", "\"a,b\""},
      {"join('abc')", "\"abc\""},
      {"join(12.5, '-')", "\"12.5\""},
      {"join(null)", "\"\""},
      {"join(obj)", "\"\""},
      {"join(fromJSON('[]'))", "\"\""},
  },
            R"({"arr": ["a", 1, true, null, [], {}], "obj": {"a": 1}})");
}

TEST_CASE("expr: toJSON pretty-prints with two spaces", "[expr]") {
  check_all({
      {"toJSON(null)", "\"null\""},
      {"toJSON(-0)", "\"0\""},
      {"toJSON(1.5)", "\"1.5\""},
      {"toJSON(NaN)", "\"null\""},
      {"toJSON('a\"b')", R"("\"a\\\"b\"")"},
      {"toJSON(empty_a)", "\"[]\""},
      {"toJSON(empty_o)", "\"{}\""},
      {"toJSON(obj)", R"("{\n  \"k\": [\n    1,\n    \"x\"\n  ],\n  \"o\": {}\n}")"},
  },
            R"({"empty_a": [], "empty_o": {}, "obj": {"k": [1, "x"], "o": {}}})");
}

TEST_CASE("expr: fromJSON parses JSON into values", "[expr]") {
  check_all({
      {"fromJSON('{\"a\": [1, true, null]}')", R"({"a":[1,true,null]})"},
      {"fromJSON('\"text\"')", "\"text\""},
      {"fromJSON('-0')", "0"},
      {"fromJSON(env.n) == 3", "true"},
      {"fromJSON(env.flag)", "true"},
      {"fromJSON('{\"A\": 1, \"a\": 2}').a", "1"},  // one key per spelling, the first wins
      {"fromJSON(' [1] ')", "[1]"},
  },
            R"({"env": {"n": "3", "flag": "true"}})");
  for (const char* bad : {"fromJSON('')", "fromJSON('  ')", "fromJSON('{')", "fromJSON('[1,]')", "fromJSON(arr)"}) {
    Error e = error_of(bad, R"({"arr": []})");
    CHECK(e.stage == Error::Stage::kEvaluation);
    CHECK_THAT(e.message, Catch::StartsWith("Error parsing JSON when evaluating fromJson"));
  }
}

TEST_CASE("expr: case picks the value of the first true predicate", "[expr]") {
  check_all({
      {"case(true, 'a', 'b')", "\"a\""},
      {"case(false, 'a', 'b')", "\"b\""},
      {"case(false, 1, true, 2, 3)", "2"},
      {"case(ref == 'main', 'prod', 'dev')", "\"prod\""},
      {"case(true, null, 'b')", "null"},
      {"case(true, 'a', fromJSON(''))", "\"a\""},  // values not chosen are not evaluated
  },
            R"({"ref": "MAIN"})");
  for (const char* bad : {"case('x', 1, 2)", "case(1, 1, 2)", "case(null, 1, 2)", "case(false, 1, 'x', 2, 3)"}) {
    Error e = error_of(bad);
    CHECK(e.stage == Error::Stage::kEvaluation);
    CHECK_THAT(e.message, Catch::StartsWith("case predicate must evaluate to a boolean value"));
  }
}

TEST_CASE("expr: status functions read the job status", "[expr]") {
  struct Row {
    const char* expr;
    JobStatus status;
    bool result;
  };
  for (const auto& r : std::initializer_list<Row>{
           {"success()", JobStatus::kSuccess, true},      {"success()", JobStatus::kFailure, false},
           {"success()", JobStatus::kCancelled, false},   {"failure()", JobStatus::kFailure, true},
           {"failure()", JobStatus::kSuccess, false},     {"failure()", JobStatus::kCancelled, false},
           {"cancelled()", JobStatus::kCancelled, true},  {"cancelled()", JobStatus::kFailure, false},
           {"always()", JobStatus::kCancelled, true},     {"always()", JobStatus::kFailure, true},
           {"!cancelled()", JobStatus::kFailure, true},   {"!cancelled()", JobStatus::kCancelled, false},
       }) {
    INFO(r.expr);
    auto v = eval(r.expr, "{}", r.status);
    REQUIRE(v.ok());
    CHECK(v->as_bool() == r.result);
  }
}

TEST_CASE("expr: evaluate_condition adds success() unless a status function is used", "[expr]") {
  core::Value ctx = context(R"({"github": {"ref": "refs/heads/main"}, "steps": {"demo": {"conclusion": "failure"}}})");
  auto cond = [&](const char* text, JobStatus status) {
    auto e = Expression::parse(text, options_for(ctx));
    REQUIRE(e.ok());
    EvalContext ec;
    ec.named_values = ctx;
    ec.status = status;
    auto b = evaluate_condition(*e, ec);
    REQUIRE(b.ok());
    return *b;
  };
  CHECK(cond("github.ref == 'refs/heads/main'", JobStatus::kSuccess));
  CHECK_FALSE(cond("github.ref == 'refs/heads/main'", JobStatus::kFailure));
  CHECK_FALSE(cond("true", JobStatus::kCancelled));
  CHECK(cond("failure() && steps.demo.conclusion == 'failure'", JobStatus::kFailure));
  CHECK(cond("always()", JobStatus::kCancelled));
  CHECK(cond("'non-empty'", JobStatus::kSuccess));
  CHECK_FALSE(cond("0", JobStatus::kSuccess));
  CHECK(cond("", JobStatus::kSuccess));  // an empty condition is success()
  CHECK_FALSE(cond("", JobStatus::kFailure));
}

TEST_CASE("expr: evaluation errors keep the stage and point at the call", "[expr]") {
  Error e = error_of("1 == 1 && fromJSON('nope')");
  CHECK(e.stage == Error::Stage::kEvaluation);
  CHECK(e.column == 11);
}
