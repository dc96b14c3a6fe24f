#include <catch2/catch.hpp>

#include <string>

#include "runner/core/strings.h"
#include "tests/runner/expr/expr_test_util.h"

using namespace wf;
using namespace wf::expr;
using namespace wf::expr::test;

namespace {

const char* kContext = R"({"inputs": {"name": "web", "replicas": 3, "tags": ["a", "b"], "on": true},
                           "steps": {"build": {"outputs": {"digest": "sha256:abc"}}}})";

Template parse_template(std::string_view text) {
  auto t = Template::parse(text, options_for(context(kContext)));
  INFO("template: " << text << (t ? "" : " -> " + show(t.error())));
  REQUIRE(t.ok());
  return *t;
}

std::string render(std::string_view text) {
  EvalContext ctx;
  ctx.named_values = context(kContext);
  auto v = parse_template(text).render(ctx);
  return v ? show(*v) : show(v.error());
}

Error template_error(std::string_view text) {
  auto t = Template::parse(text, options_for(context(kContext)));
  INFO("template: " << text);
  REQUIRE_FALSE(t.ok());
  return t.error();
}

}  // namespace

TEST_CASE("template: splits literals and expressions with their offsets", "[expr]") {
  Template t = parse_template("image: ${{ inputs.name }}:${{steps.build.outputs.digest}}!");
  const auto& p = t.parts();
  REQUIRE(p.size() == 5);
  CHECK((!p[0].is_expression && p[0].literal == "image: " && p[0].offset == 0));
  CHECK((p[1].is_expression && p[1].expression->text() == " inputs.name " && p[1].offset == 10));
  CHECK((!p[2].is_expression && p[2].literal == ":" && p[2].offset == 25));
  CHECK((p[3].is_expression && p[3].expression->text() == "steps.build.outputs.digest"));
  CHECK((!p[4].is_expression && p[4].literal == "!"));
  CHECK(t.has_expressions());
  CHECK_FALSE(t.is_single_expression());
}

TEST_CASE("template: text without expressions is one literal", "[expr]") {
  Template t = parse_template("plain $text {{ not }} $ {");
  CHECK_FALSE(t.has_expressions());
  CHECK_FALSE(t.is_single_expression());
  CHECK(render("plain $text {{ not }} $ {") == "\"plain $text {{ not }} $ {\"");
  CHECK(render("") == "\"\"");
}

TEST_CASE("template: a lone expression keeps the type of its value", "[expr]") {
  CHECK(parse_template("${{ inputs.replicas }}").is_single_expression());
  CHECK(parse_template("  ${{ inputs.tags }}\n").is_single_expression());
  CHECK(render("${{ inputs.replicas }}") == "3");
  CHECK(render("  ${{ inputs.tags }}\n") == "[\"a\",\"b\"]");
  CHECK(render("${{ inputs.on }}") == "true");
  CHECK(render("${{ fromJSON('{\"a\": null}') }}") == "{\"a\":null}");
  CHECK(render("${{ inputs.missing }}") == "null");
}

TEST_CASE("template: mixed text renders each value with to_string", "[expr]") {
  CHECK(render("n=${{ inputs.replicas }}") == "\"n=3\"");
  CHECK(render("${{ inputs.name }}${{ inputs.name }}") == "\"webweb\"");
  CHECK(render("[${{ inputs.missing }}] ${{ inputs.on }} ${{ inputs.tags }} ${{ 1.50 }}") ==
        "\"[] true Array 1.5\"");
  CHECK(render("x ${{ inputs.name }} ") == "\"x web \"");
  CHECK(render("${{ inputs.name }} ") == "\"web\"");  // a lone expression: whitespace around it is dropped
}

TEST_CASE("template: '}}' inside a string literal does not end the expression", "[expr]") {
  Template t = parse_template("x${{ format('{{{0}}}', 'a}}b') }}y");
  REQUIRE(t.parts().size() == 3);
  CHECK(t.parts()[1].expression->text() == " format('{{{0}}}', 'a}}b') ");
  CHECK(render("x${{ format('{{{0}}}', 'a}}b') }}y") == "\"x{a}}b}y\"");
  CHECK(render("${{ 'it''s }}' }}") == "\"it's }}\"");
}

TEST_CASE("template: an unterminated or empty expression is an error at its ${{", "[expr]") {
  Error e = template_error("abc ${{ inputs.name ");
  CHECK(e.stage == Error::Stage::kParsing);
  CHECK(e.column == 5);
  CHECK(e.message == "The expression is not closed: '${{' at column 5 has no matching '}}'");
  CHECK(template_error("${{ 'open }}").column == 1);
  CHECK(template_error("ok ${{ }}").message == "An expression was expected inside '${{ }}'");
}

TEST_CASE("template: error columns are offsets in the whole template", "[expr]") {
  Error e = template_error("name: ${{ inputs.name == imputs.x }}");
  CHECK(e.stage == Error::Stage::kParsing);
  CHECK(e.column == 26);  // the 'i' of imputs
  CHECK_THAT(e.message, Catch::StartsWith("Unrecognized named-value: 'imputs'"));
  CHECK(template_error("ab${{ 1 = 2 }}").column == 9);
  CHECK_THAT(render("ab ${{ fromJSON('x') }}"),
             Catch::StartsWith("evaluation error at 8: Error parsing JSON when evaluating fromJson"));
}

TEST_CASE("template: references carry template columns", "[expr]") {
  Template t = parse_template("a ${{ inputs.name }} b ${{ steps.build.outputs['digest'] }}");
  std::vector<std::string> got;
  for (const auto& r : t.references()) got.push_back(core::join(r.path, ".") + "@" + std::to_string(r.column));
  CHECK(got == std::vector<std::string>{"inputs.name@7", "steps.build.outputs.digest@28"});
}
