#include "runner/step_api/yaml.h"

#include <catch2/catch.hpp>

#include <string>

using wf::step_api::emit_yaml;
using wf::step_api::kMaxYamlDepth;
using wf::step_api::parse_yaml;
using wf::step_api::YamlNode;

TEST_CASE("step_api yaml: a mapping keeps its order, scalars, quoting and lines", "[step_api][yaml]") {
  auto doc = parse_yaml("kind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n  b: 1\n  c: ~\n  d: [x, 'y']\n");
  REQUIRE(doc);
  REQUIRE(doc->is_map());
  CHECK(doc->scalar_at("kind") == "ConfigMap");
  CHECK(doc->scalar_at("metadata").empty());  // not a scalar
  CHECK(doc->scalar_at("missing").empty());
  const YamlNode* meta = doc->find("metadata");
  REQUIRE(meta);
  CHECK(meta->scalar_at("name") == "x");
  CHECK(meta->line == 2);
  const YamlNode* data = doc->find("data");
  REQUIRE(data);
  REQUIRE(data->entries.size() == 4);
  CHECK(data->entries[0].first.scalar == "a");
  CHECK(data->entries[0].second.quoted);
  CHECK_FALSE(data->entries[1].second.quoted);
  CHECK(data->entries[2].second.is_null());
  REQUIRE(data->entries[3].second.is_sequence());
  CHECK(data->entries[3].second.items[1].quoted);
}

TEST_CASE("step_api yaml: emitting keeps a quoted number a string and a null a null", "[step_api][yaml]") {
  auto doc = parse_yaml("a: \"1\"\nb: 1\nc: null\nd: 'true'\n");
  REQUIRE(doc);
  std::string text = emit_yaml(*doc);
  CHECK(text == "a: \"1\"\nb: 1\nc: ~\nd: \"true\"");
  auto again = parse_yaml(text);
  REQUIRE(again);
  CHECK(emit_yaml(*again) == text);
}

TEST_CASE("step_api yaml: empty text is null, invalid YAML is an error with a line", "[step_api][yaml]") {
  auto empty = parse_yaml("# only a comment\n");
  REQUIRE(empty);
  CHECK(empty->is_null());
  auto bad = parse_yaml("a: 1\nb: [1, 2\n");
  REQUIRE_FALSE(bad);
  CHECK_FALSE(bad.error().message.empty());
  CHECK(bad.error().line >= 1);
}

TEST_CASE("step_api yaml: nesting deeper than the limit is an error, not a crash", "[step_api][yaml]") {
  std::string ok(kMaxYamlDepth, '[');
  ok += std::string(kMaxYamlDepth, ']');
  CHECK(parse_yaml(ok));
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = parse_yaml(deep);
  REQUIRE_FALSE(r);
  CHECK_FALSE(r.error().message.empty());
}
