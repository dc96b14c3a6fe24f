#include "runner/core/json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using wf::core::kMaxJsonDepth;
using wf::core::parse_json;

TEST_CASE("parse_json: nesting up to the limit parses, deeper is an error", "[core][json]") {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  CHECK(parse_json(nested(kMaxJsonDepth)));
  auto deep = parse_json(nested(kMaxJsonDepth + 1));
  REQUIRE_FALSE(deep);
  CHECK(deep.error() == "nested deeper than 512 levels");
  // Brackets inside strings do not count.
  CHECK(parse_json("[\"" + std::string(10000, '[') + "\\\"[\"]"));
  CHECK_FALSE(parse_json("{\"a\":" + nested(100000) + "}"));
}

TEST_CASE("parse_json: errors are in the user's words, without the library's tag", "[core][json]") {
  auto bad = parse_json("{\"a\": [1,");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().find("json.exception") == std::string::npos);
  CHECK(bad.error().find("parse error at line 1") == 0);
}

namespace {

// A random value with the strings JSON writers get wrong: control bytes,
// quotes, backslashes, DEL, multi-byte and invalid UTF-8; integers,
// fractions, huge and non-finite numbers; repeated keys.
wf::core::Value random_value(std::mt19937& rng, int depth) {
  using wf::core::Value;
  static const std::vector<std::string> kStrings = {
      "", "plain", "q\"uote", "back\\slash", "tab\there", "nl\nx", "\x01\x1f", "del\x7f", "caf\xc3\xa9",
      "\xe2\x82\xac euro", "\xf0\x9f\x98\x80", "bad\xff", "\xc3", "\xed\xa0\x80", "\xe0\x80\xaf", "<&>", "\r\b\f"};
  static const std::vector<double> kNumbers = {0,   -0.0, 1,      -7,    0.1,    1.5e300, 9007199254740993.0,
                                               1e21, 3.14, -2.5e-7, NAN,   INFINITY, 123456789012.0};
  int pick = depth > 3 ? static_cast<int>(rng() % 4) : static_cast<int>(rng() % 6);
  switch (pick) {
    case 0: return Value();
    case 1: return Value(rng() % 2 == 0);
    case 2: return Value(kNumbers[rng() % kNumbers.size()]);
    case 3: return Value(kStrings[rng() % kStrings.size()] + kStrings[rng() % kStrings.size()]);
    case 4: {
      Value::Array a;
      for (size_t i = rng() % 4; i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return Value(std::move(a));
    }
    default: {
      Value::Object o;
      for (size_t i = rng() % 5; i > 0; --i) o.emplace_back(kStrings[rng() % 6], random_value(rng, depth + 1));
      return Value(std::move(o));
    }
  }
}

nlohmann::ordered_json as_nlohmann(const wf::core::Value& v) {
  using wf::core::Value;
  switch (v.kind()) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kBool: return v.as_bool();
    case Value::Kind::kNumber: {
      double d = v.as_number();
      if (!std::isfinite(d)) return nullptr;
      if (std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) return static_cast<long long>(d);
      return d;
    }
    case Value::Kind::kString: return v.as_string();
    case Value::Kind::kArray: {
      auto a = nlohmann::ordered_json::array();
      for (const auto& e : v.as_array()) a.push_back(as_nlohmann(e));
      return a;
    }
    case Value::Kind::kObject: {
      auto o = nlohmann::ordered_json::object();
      for (const auto& [k, e] : v.as_object()) o[k] = as_nlohmann(e);
      return o;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("to_json writes what nlohmann's dump writes, compact and indented", "[core][json]") {
  std::mt19937 rng(20261207);
  for (int i = 0; i < 3000; ++i) {
    wf::core::Value v = random_value(rng, 0);
    for (int indent : {-1, 2}) {
      std::string expected =
          as_nlohmann(v).dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      INFO("indent " << indent);
      REQUIRE(wf::core::to_json(v, indent) == expected);
    }
  }
}

TEST_CASE("parse_json: a NUL byte is an error, not the end of the text", "[core][json]") {
  // Found by the journal fuzzer: a journal line "{...}\0junk" read as "{...}".
  using namespace std::string_literals;
  auto r = parse_json("{\"a\":1}\0junk"s);
  REQUIRE_FALSE(r);
  CHECK(r.error() == "syntax error: a NUL byte at offset 7 (JSON text cannot hold one)");
  CHECK_FALSE(parse_json("[\"x\0\"]"s));
  CHECK(parse_json("[\"x\\u0000\"]"));  // the escaped form is a string holding NUL
}
