#include <catch2/catch.hpp>

#include "runner/core/json.h"
#include "runner/core/value.h"

using namespace wf::core;

TEST_CASE("value: objects keep insertion order and look up case-insensitively", "[core]") {
  Value v = Value(Value::Object{{"b", 1}, {"A", 2}});
  REQUIRE(v.find("a"));
  CHECK(v.find("a")->as_number() == 2);
  CHECK(v.find("B")->as_number() == 1);
  CHECK(v.find("c") == nullptr);
  CHECK(v.as_object()[0].first == "b");
  Value w = v.with("c", "x");
  CHECK(w.as_object().size() == 3);
  CHECK(v.as_object().size() == 2);
}

TEST_CASE("value: copies are the same instance, equal rebuilds are not", "[core]") {
  Value a = Value(Value::Array{1, 2});
  Value b = a;
  Value c = Value(Value::Array{1, 2});
  CHECK(a.same_instance(b));
  CHECK_FALSE(a.same_instance(c));
  CHECK(a == c);
}

TEST_CASE("json: round trip keeps kinds and order", "[core]") {
  auto v = parse_json(R"({"z":1,"a":[true,null,"s",1.5],"o":{}})");
  REQUIRE(v.ok());
  CHECK(to_json(*v) == R"({"z":1,"a":[true,null,"s",1.5],"o":{}})");
  CHECK_FALSE(parse_json("{").ok());
}
