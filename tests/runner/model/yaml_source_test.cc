#include "runner/model/yaml_source.h"

#include <catch2/catch.hpp>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using wf::model::test::errors_of;

namespace {

struct Parsed {
  YamlSource source;
  wf::core::Diagnostics diags;
  bool ok;
  explicit Parsed(std::string text) : source(std::move(text), "f.yaml"), ok(source.parse(diags)) {}
  const YamlNode& at(std::string_view key) const { return *source.root().find(key); }
  std::string loc_at(std::string_view key, size_t offset) const {
    auto l = source.loc_at(at(key), offset);
    return std::to_string(l.line) + ":" + std::to_string(l.column);
  }
};

}  // namespace

TEST_CASE("yaml: a duplicate key is reported at the second one, with where the first is", "[model]") {
  CHECK(errors_of(R"Y(steps:
  build:
    run: echo one
    run: echo two
)Y") == std::vector<std::string>{"4:5: duplicate key 'run' (first at 3:5)"});
}

TEST_CASE("yaml: duplicate keys are found at every level, the first one counts", "[model]") {
  Parsed p("a: 1\nb:\n  x: [1]\n  y: {k: 1, k: 2}\n  x: 2\na: 3\n");
  REQUIRE(p.ok);
  REQUIRE(p.diags.size() == 3);
  CHECK(p.diags[0].str() == "f.yaml:4:13: duplicate key 'k' (first at 4:7)");
  CHECK(p.diags[1].str() == "f.yaml:5:3: duplicate key 'x' (first at 3:3)");
  CHECK(p.diags[2].str() == "f.yaml:6:1: duplicate key 'a' (first at 1:1)");
  CHECK(p.at("a").text == "1");
  CHECK(p.at("b").find("x")->is_sequence());
}

TEST_CASE("yaml: invalid YAML is one diagnostic at the parser's position, in plain words", "[model]") {
  CHECK(errors_of("steps: [a, b\nname: x\n") == std::vector<std::string>{"2:5: invalid YAML: missing ']'"});
  CHECK(errors_of("name: a: b\n") ==
        std::vector<std::string>{"1:8: invalid YAML: unexpected ':' (quote a value that contains ': ')"});
  CHECK(errors_of("name: @x\n") == std::vector<std::string>{"1:7: invalid YAML: unexpected character"});
  CHECK(errors_of("name: \"a\\qb\"\n") == std::vector<std::string>{"1:9: invalid YAML: unknown escape character: q"});
}

TEST_CASE("yaml: an empty file and a top level that is not a mapping are errors", "[model]") {
  CHECK(errors_of("") == std::vector<std::string>{"1:1: empty workflow file"});
  CHECK(errors_of("# only a comment\n\n") == std::vector<std::string>{"1:1: empty workflow file"});
  CHECK(errors_of("- a\n- b\n") ==
        std::vector<std::string>{"1:1: the top level of a workflow must be a mapping, got a list"});
  CHECK(errors_of("just text\n") ==
        std::vector<std::string>{"1:1: the top level of a workflow must be a mapping, got 'just text'"});
}

TEST_CASE("yaml: booleans and numbers are plain scalars only, per the YAML 1.2 core schema", "[model]") {
  Parsed p("a: true\nb: 'true'\nc: yes\nd: -2.5\ne: \"3\"\nf: 0x1F\ng: 1.2.3\nh: 1e3\ni: False\nj: 07\n");
  REQUIRE(p.ok);
  CHECK(p.at("a").as_bool() == true);
  CHECK_FALSE(p.at("b").as_bool());
  CHECK_FALSE(p.at("c").as_bool());
  CHECK(p.at("i").as_bool() == false);
  CHECK(p.at("d").as_number() == -2.5);
  CHECK_FALSE(p.at("e").as_number());
  CHECK(p.at("f").as_number() == 31);
  CHECK_FALSE(p.at("g").as_number());
  CHECK(p.at("h").as_number() == 1000);
  CHECK(p.at("j").as_count() == 7);
  CHECK_FALSE(p.at("d").as_count());
}

TEST_CASE("yaml: scalar styles are told apart, through tags and anchors", "[model]") {
  Parsed p("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\nf: !!str tagged\ng: &x 'anchored'\nh:\n");
  REQUIRE(p.ok);
  CHECK(p.at("a").style == YamlNode::Style::kPlain);
  CHECK(p.at("b").style == YamlNode::Style::kSingleQuoted);
  CHECK(p.at("c").style == YamlNode::Style::kDoubleQuoted);
  CHECK(p.at("d").style == YamlNode::Style::kLiteral);
  CHECK(p.at("e").style == YamlNode::Style::kFolded);
  CHECK(p.at("g").style == YamlNode::Style::kSingleQuoted);
  CHECK(p.at("h").implicit_null);
  CHECK(p.source.loc(p.at("h")).line == 10);  // an empty value is placed at its key
}

TEST_CASE("yaml: offsets in plain and quoted scalars map to the file", "[model]") {
  Parsed p("a: x ${{ y }}\nb: 'it''s ${{ y }}'\nc: \"\\t\\u00e9 ${{ y }}\"\nd:   spaced\n");
  REQUIRE(p.ok);
  CHECK(p.loc_at("a", 0) == "1:4");
  CHECK(p.loc_at("a", 9) == "1:13");  // the `y`
  CHECK(p.loc_at("b", 0) == "2:5");   // after the quote
  CHECK(p.at("b").text == "it's ${{ y }}");
  CHECK(p.loc_at("b", 9) == "2:15");  // `''` is one character of content
  CHECK(p.at("c").text == "\t\xC3\xA9 ${{ y }}");
  CHECK(p.loc_at("c", 8) == "3:18");  // `\t` is 2 bytes of source, `\u00e9` 6 for 2 of content
  CHECK(p.loc_at("d", 0) == "4:6");
}

TEST_CASE("yaml: offsets in literal blocks map line by line", "[model]") {
  Parsed p("k:\n  run: |\n    echo one\n\n      indented ${{ x }}\n    last\n");
  REQUIRE(p.ok);
  const YamlNode& run = *p.at("k").find("run");
  REQUIRE(run.text == "echo one\n\n  indented ${{ x }}\nlast\n");
  auto at = [&](size_t off) {
    auto l = p.source.loc_at(run, off);
    return std::to_string(l.line) + ":" + std::to_string(l.column);
  };
  CHECK(at(0) == "3:5");
  CHECK(at(5) == "3:10");
  CHECK(at(12) == "5:7");   // `indented`
  CHECK(at(21) == "5:16");  // `${{`
  CHECK(at(30) == "6:5");   // `last`
  CHECK(p.source.loc(run).line == 2);
}

TEST_CASE("yaml: offsets in folded and multi-line scalars are mapped to the word", "[model]") {
  Parsed p("a: >-\n  one\n  two ${{ x }}\nb: first\n   second\nc: 'q1\n\n    q2'\n");
  REQUIRE(p.ok);
  REQUIRE(p.at("a").text == "one two ${{ x }}");
  CHECK(p.loc_at("a", 4) == "3:3");
  CHECK(p.loc_at("a", 8) == "3:7");
  REQUIRE(p.at("b").text == "first second");
  CHECK(p.loc_at("b", 6) == "5:4");
  REQUIRE(p.at("c").text == "q1\nq2");
  CHECK(p.loc_at("c", 3) == "8:5");
}

TEST_CASE("yaml: columns count characters, not bytes", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    run: echo \xC3\xA9\xC3\xA9 ${{ runner }}\n") ==
        std::vector<std::string>{"3:22: invalid expression: Unrecognized named-value: 'runner'"});
}

TEST_CASE("yaml: a byte order mark does not shift positions", "[model]") {
  CHECK(errors_of("\xEF\xBB\xBFsteps: {a: {run: x}}\nfoo: 1\n") ==
        std::vector<std::string>{"2:1: unknown key 'foo' at the top level"});
}

TEST_CASE("yaml: a tab in indentation is named as such", "[model]") {
  CHECK(errors_of("steps:\n  a:\n\trun: x\n") ==
        std::vector<std::string>{"3:1: invalid YAML: a tab in indentation (indent with spaces)"});
}

TEST_CASE("yaml: nesting and alias expansion are bounded", "[model]") {
  CHECK(errors_of("steps: " + std::string(1500, '[') + "\n") ==
        std::vector<std::string>{"2:1: invalid YAML: nested too deeply"});
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    laughs += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  CHECK(errors_of(laughs + "steps: {a: {run: x}}\n") ==
        std::vector<std::string>{"1:14: invalid YAML: more than 200000 values, aliases expanded"});
}

TEST_CASE("yaml: a value starting with '!' is a tag, and said to be one", "[model]") {
  CHECK(errors_of("steps:\n  a:\n    run: x\n    if: !cancelled()\n") ==
        std::vector<std::string>{
            "4:9: invalid YAML: '!cancelled()' is read as a tag; quote a value that starts with '!'"});
  CHECK(errors_of("steps:\n  a:\n    run: !!str 5\n").empty());
}
