#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "runner/expr/coerce.h"
#include "runner/expr/expr.h"
#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;
using core::Value;

TEST_CASE("expr: to_string follows GitHub's casts", "[expr]") {
  struct Row {
    Value value;
    const char* text;
  };
  const double inf = std::numeric_limits<double>::infinity();
  for (const auto& r : std::initializer_list<Row>{
           {Value(), ""},
           {Value(true), "true"},
           {Value(false), "false"},
           {Value("x y"), "x y"},
           {Value(Value::Array{}), "Array"},
           {Value(Value::Object{}), "Object"},
           {Value(0.0), "0"},
           {Value(-0.0), "0"},
           {Value(1.0), "1"},
           {Value(-2.0), "-2"},
           {Value(0.5), "0.5"},
           {Value(-0.5), "-0.5"},
           {Value(123456.789), "123456.789"},
           {Value(0.84551240822557006), "0.84551240822557"},
           {Value(0.1 + 0.2), "0.3"},
           {Value(1.2e-2), "0.012"},
           {Value(1e-7), "1e-7"},
           {Value(1.5e-15), "1e-15"},  // rounded to 15 decimals: 0.000000000000001
           {Value(4e-16), "0"},
           {Value(123456789.123456789), "123456789.12345679"},
           {Value(123456789012345.0), "123456789012345"},
           {Value(12345678901234567890.0), "12345678901234567000"},
           {Value(1e21), "1e+21"},
           {Value(-1.5e300), "-1.5e+300"},
           {Value(std::nan("")), "NaN"},
           {Value(inf), "Infinity"},
           {Value(-inf), "-Infinity"},
       }) {
    INFO("value: " << test::show(r.value));
    CHECK(expr::to_string(r.value) == r.text);
  }
}

TEST_CASE("expr: numbers round half away from zero at the 15th decimal", "[expr]") {
  // 2^-16 = 0.0000152587890625 is exactly halfway between two 15-decimal
  // values; JavaScript's toFixed() picks the larger magnitude.
  CHECK(expr::to_string(Value(std::ldexp(1.0, -16))) == "0.000015258789063");
  CHECK(expr::to_string(Value(-std::ldexp(1.0, -16))) == "-0.000015258789063");
}

TEST_CASE("expr: js_number_text prints the shortest round trip", "[expr]") {
  CHECK(js_number_text(0.1 + 0.2) == "0.30000000000000004");
  CHECK(js_number_text(1e21) == "1e+21");
  CHECK(js_number_text(123e-20) == "1.23e-18");
  CHECK(js_number_text(0.000001) == "0.000001");
  CHECK(js_number_text(0.0000001) == "1e-7");
  CHECK(js_number_text(100) == "100");
  CHECK(js_number_text(-0.0) == "0");
}

TEST_CASE("expr: truthy treats false, 0, NaN, '' and null as false", "[expr]") {
  CHECK_FALSE(truthy(Value()));
  CHECK_FALSE(truthy(Value(false)));
  CHECK_FALSE(truthy(Value(0.0)));
  CHECK_FALSE(truthy(Value(-0.0)));
  CHECK_FALSE(truthy(Value(std::nan(""))));
  CHECK_FALSE(truthy(Value("")));
  CHECK(truthy(Value(true)));
  CHECK(truthy(Value(-1)));
  CHECK(truthy(Value("false")));
  CHECK(truthy(Value("0")));
  CHECK(truthy(Value(Value::Array{})));
  CHECK(truthy(Value(Value::Object{})));
}

TEST_CASE("expr: strings become numbers by JavaScript's Number() rules", "[expr]") {
  struct Row {
    const char* text;
    double number;  // NaN: not a number
  };
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  for (const auto& r : std::initializer_list<Row>{
           {"", 0},          {"   ", 0},          {" 42 ", 42},        {"\t\n1.5\r", 1.5},  {"+1", 1},
           {"-1", -1},       {".5", 0.5},         {"5.", 5},           {"-.5e1", -5},       {"1e3", 1000},
           {"1E-3", 0.001},  {"0xff", 255},       {"0XfF", 255},       {"0o17", 15},        {"0b101", 5},
           {"Infinity", inf}, {"-Infinity", -inf}, {"1e400", inf},      {"1e-400", 0},       {"-0xff", nan},
           {"0x", nan},      {"0xfz", nan},       {"1e", nan},         {".", nan},          {"abc", nan},
           {"1 2", nan},     {"infinity", nan},   {"NaN", nan},        {"1_000", nan},      {"--1", nan},
           {"\xC2\xA0" "7\xE3\x80\x80", 7},  // NBSP and ideographic space are trimmed
       }) {
    INFO("text: '" << r.text << "'");
    double got = string_to_number(r.text);
    if (std::isnan(r.number)) CHECK(std::isnan(got));
    else CHECK(got == r.number);
  }
}

TEST_CASE("expr: fold_case upper-cases Unicode but keeps the dotless i", "[expr]") {
  CHECK(fold_case("abcXYZ_1") == "ABCXYZ_1");
  CHECK(fold_case("ü") == "Ü");
  CHECK(fold_case("ς") == "Σ");
  CHECK(fold_case("ı") == "ı");
  CHECK(fold_case("i") == "I");
  CHECK(fold_case("\xFF" "a") == "\xFF" "A");  // invalid UTF-8 is kept
}
