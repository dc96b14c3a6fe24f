#include <catch2/catch.hpp>

#include "tests/runner/expr/expr_test_util.h"

using namespace wf::expr::test;

TEST_CASE("expr: literals of every kind", "[expr]") {
  check_all({
      {"null", "null"},
      {"true", "true"},
      {"false", "false"},
      {"711", "711"},
      {"-9.2", "-9.2"},
      {"+1", "1"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"0xff", "255"},
      {"0xFF", "255"},
      {"0o10", "8"},
      {"1e2", "100"},
      {"-2.99e-2", "-0.0299"},
      {"1E+1", "10"},
      {"NaN", "NaN"},
      {"Infinity", "Infinity"},
      {"-Infinity", "-Infinity"},
      {"+Infinity", "Infinity"},
      {"'it''s'", "\"it's\""},
      {"'a''b''c'", "\"a'b'c\""},
      {"''", "\"\""},
      {"'}}'", "\"}}\""},
      {"", "null"},
      {"   ", "null"},
  });
}

TEST_CASE("expr: ! negates truthiness", "[expr]") {
  check_all({
      {"!true", "false"},
      {"!false", "true"},
      {"!null", "true"},
      {"!0", "true"},
      {"!-0", "true"},
      {"!NaN", "true"},
      {"!''", "true"},
      {"!'false'", "false"},
      {"!-10", "false"},
      {"!obj", "false"},
      {"!arr", "false"},
      {"!!'x'", "true"},
  },
            R"({"obj": {}, "arr": []})");
}

TEST_CASE("expr: && and || return the deciding operand and short-circuit", "[expr]") {
  check_all({
      {"1 == 1 && 2", "2"},
      {"true && 'a' && 'b'", "\"b\""},
      {"true && '' && 'x'", "\"\""},
      {"null && true", "null"},
      {"false && 0 || null", "null"},
      {"0 || 'x'", "\"x\""},
      {"'a' || 'b'", "\"a\""},
      {"false || false", "false"},
      {"obj || false", "{}"},
      {"false && fromJSON('not json')", "false"},
      {"true || fromJSON('not json')", "true"},
  },
            R"({"obj": {}})");
}

TEST_CASE("expr: == coerces mismatched kinds to numbers", "[expr]") {
  check_all({
      {"null == 0", "true"},
      {"null == ''", "true"},
      {"null == '0'", "true"},
      {"null == 'null'", "false"},
      {"null == null", "true"},
      {"true == 1", "true"},
      {"false == 0", "true"},
      {"'' == false", "true"},
      {"'' == 0", "true"},
      {"'   ' == 0", "true"},
      {"' 0xff ' == 255", "true"},
      {"' 0o10 ' == 8", "true"},
      {"' +1.2e2 ' == 120", "true"},
      {"' Infinity ' == Infinity", "true"},
      {"'abc' == 0", "false"},
      {"'3' == 3", "true"},
      {"true == 'true'", "false"},
      {"0 == -0", "true"},
      {"120 == 1.2e2", "true"},
      {"obj == 0", "false"},
      {"arr == ''", "false"},
  },
            R"({"obj": {}, "arr": []})");
}

TEST_CASE("expr: == compares strings case-insensitively", "[expr]") {
  check_all({
      {"'TEST' == 'test'", "true"},
      {"'abc' == 'abd'", "false"},
      {"'Ü' == 'ü'", "true"},
      {"'ς' == 'Σ'", "true"},
      {"'АБВ' == 'абв'", "true"},
      {"'i' == 'İ'", "false"},
      {"'ı' == 'I'", "false"},
      {"'abc' != 'ABC'", "false"},
  });
}

TEST_CASE("expr: NaN is never equal and never ordered", "[expr]") {
  check_all({
      {"NaN == NaN", "false"},
      {"NaN != NaN", "true"},
      {"'abc' == NaN", "false"},
      {"NaN < 1", "false"},
      {"NaN > 1", "false"},
      {"NaN <= NaN", "false"},
      {"NaN >= 1", "false"},
      {"'x' < 1", "false"},
  });
}

TEST_CASE("expr: arrays and objects are equal only to the same instance", "[expr]") {
  check_all({
      {"obj == obj", "true"},
      {"obj != obj", "false"},
      {"obj == other", "false"},
      {"obj != other", "true"},
      {"arr == arr", "true"},
      {"fromJSON('{}') == fromJSON('{}')", "false"},
      {"obj.inner == obj.inner", "true"},
      {"obj < obj", "false"},
      {"obj <= obj", "true"},
      {"obj > 1", "false"},
  },
            R"({"obj": {"inner": [1]}, "other": {"inner": [1]}, "arr": [1]})");
}

TEST_CASE("expr: < <= > >= order numbers, strings and booleans", "[expr]") {
  check_all({
      {"1 < 2", "true"},
      {"2 < 1", "false"},
      {"1 <= 1", "true"},
      {"1.001 < 1.002", "true"},
      {"'abc' < 'def'", "true"},
      {"'ABC' < 'abd'", "true"},
      {"'a' <= 'A'", "true"},
      {"'b' > 'a'", "true"},
      {"'b' >= 'B'", "true"},
      {"true > false", "true"},
      {"false < true", "true"},
      {"true >= true", "true"},
      {"false < 1", "true"},
      {"null < 1", "true"},
      {"'-1' < null", "true"},
      {"' 1 ' < 2", "true"},
      {"-Infinity < false", "true"},
      {"'ı' > 'I'", "true"},
  });
}

TEST_CASE("expr: precedence and left associativity", "[expr]") {
  check_all({
      {"3 < 2 < 1", "true"},           // (3 < 2) < 1 -> false < 1
      {"1 < 2 == true", "true"},       // < binds tighter than ==
      {"!false == true", "true"},      // ! binds tighter than ==
      {"!1 < 2", "true"},              // !1 is false, false < 2
      {"true || false && false", "true"},
      {"(true || false) && false", "false"},
      {"1 == 1 == 1", "true"},         // (1 == 1) == 1 -> true == 1
      {"2 == 2 != false", "true"},
      {"false && true || 'x'", "\"x\""},
  });
}

TEST_CASE("expr: property access is case-insensitive and missing names give null", "[expr]") {
  const char* ctx = R"({"foo": {"bar": "baz", "b-ar": 1, "null": "n", "nested": {"x": [10, 20]}}, "Steps": {}})";
  check_all({
      {"foo.bar", "\"baz\""},
      {"FOO.BAR", "\"baz\""},
      {"foo['BaR']", "\"baz\""},
      {"foo.b-ar", "1"},
      {"foo.null", "\"n\""},
      {"foo.nested.x[1]", "20"},
      {"foo.missing", "null"},
      {"foo.missing.deeper", "null"},
      {"foo.bar.length", "null"},
      {"steps", "{}"},
  },
            ctx);
}

TEST_CASE("expr: index coercions for arrays and objects", "[expr]") {
  const char* ctx = R"({"arr": ["zero", "one", "two"], "obj": {"5": "five", "0.5": "half", "": "empty",
      "true": "t", "NaN": "nan", "-Infinity": "minf", "Object": "o"}, "s": "text"})";
  check_all({
      {"arr[0]", "\"zero\""},
      {"arr[1.9]", "\"one\""},
      {"arr[true]", "\"one\""},
      {"arr[null]", "\"zero\""},
      {"arr[' 0x02 ']", "\"two\""},
      {"arr['x']", "null"},
      {"arr[-1]", "null"},
      {"arr[3]", "null"},
      {"arr[NaN]", "null"},
      {"arr[Infinity]", "null"},
      {"obj[5]", "\"five\""},
      {"obj[.5]", "\"half\""},
      {"obj[null]", "\"empty\""},
      {"obj[true]", "\"t\""},
      {"obj[NaN]", "\"nan\""},
      {"obj[-Infinity]", "\"minf\""},
      {"obj[fromJSON('{}')]", "null"},
      {"obj[format('{0}', fromJSON('{}'))]", "\"o\""},
      {"s[0]", "null"},
      {"fromJSON('[\"a\",\"b\"]')[1]", "\"b\""},
      {"(fromJSON('[\"a\",\"b\"]'))[0]", "\"a\""},
  },
            ctx);
}

TEST_CASE("expr: * filters yield elements or values and map later accesses", "[expr]") {
  const char* ctx = R"({"objs": [{"a": 1, "b": {"c": "x"}}, {"b": {"c": "y"}}, {"a": 3}],
      "map": {"k1": {"name": "one"}, "k2": {"name": "two"}, "k3": {}},
      "nested": [[1, 2], [3], "s"], "s": "text"})";
  check_all({
      {"objs.*.a", "[1,3]"},
      {"objs[*].b.c", "[\"x\",\"y\"]"},
      {"map.*.name", "[\"one\",\"two\"]"},
      {"map.*", "[{\"name\":\"one\"},{\"name\":\"two\"},{}]"},
      {"nested.*[0]", "[1,3]"},
      {"nested.*.*", "[1,2,3]"},
      {"s.*", "[]"},
      {"map.missing.*.name", "[]"},
      {"objs.*.nothing", "[]"},
      {"objs.a", "null"},                 // a name on a plain array is null
      {"(objs.*.a)[1]", "3"},             // parentheses end the filter
      {"contains(map.*.name, 'TWO')", "true"},
      {"join(objs.*.b.c, '+')", "\"x+y\""},
  },
            ctx);
}

TEST_CASE("expr: context names are case-insensitive", "[expr]") {
  check_all({
      {"INPUTS.Cluster", "\"prod\""},
      {"inputs['CLUSTER']", "\"prod\""},
  },
            R"({"inputs": {"cluster": "prod"}})");
}
