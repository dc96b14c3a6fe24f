#include "runner/core/json.h"

#include <catch2/catch.hpp>

#include <string>

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
