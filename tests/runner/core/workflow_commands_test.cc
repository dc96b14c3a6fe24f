#include "runner/core/workflow_commands.h"

#include <catch2/catch.hpp>

using namespace wf::core;

TEST_CASE("workflow commands: add-mask and its value", "[core][commands]") {
  auto command = parse_workflow_command("::add-mask::s3cr3t value");
  REQUIRE(command);
  CHECK(command->name == "add-mask");
  CHECK(command->properties.empty());
  CHECK(command->value == "s3cr3t value");
}

TEST_CASE("workflow commands: value escapes are decoded once", "[core][commands]") {
  auto command = parse_workflow_command("::add-mask::line1%0D%0Aline2%25done%250A%3A%2C\r\n");
  REQUIRE(command);
  // %3A and %2C are only escapes in properties; %250A is a literal "%0A".
  CHECK(command->value == "line1\r\nline2%done%0A%3A%2C");
  // Lower-case hex and incomplete escapes stay as written, as on GitHub.
  CHECK(parse_workflow_command("::add-mask::a%0a%2")->value == "a%0a%2");
}

TEST_CASE("workflow commands: properties are split and unescaped", "[core][commands]") {
  auto command = parse_workflow_command(
      "::error file=app.js,line=10,title=Deploy%3A failed%2C retrying::bad%0Athing");
  REQUIRE(command);
  CHECK(command->name == "error");
  CHECK(command->properties ==
        std::vector<std::pair<std::string, std::string>>{
            {"file", "app.js"}, {"line", "10"}, {"title", "Deploy: failed, retrying"}});
  REQUIRE(command->property("title"));
  CHECK(*command->property("title") == "Deploy: failed, retrying");
  CHECK(command->property("col") == nullptr);
  CHECK(command->value == "bad\nthing");
  // Properties without a key or value are dropped; a value keeps later '='.
  auto odd = parse_workflow_command("::warning  a=1,,=x,b=,c,d=e=f ::msg");
  REQUIRE(odd);
  CHECK(odd->properties ==
        std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"d", "e=f"}});
}

TEST_CASE("workflow commands: group markers and empty values", "[core][commands]") {
  auto group = parse_workflow_command("::group::Deploy to staging");
  REQUIRE(group);
  CHECK(group->name == "group");
  CHECK(group->value == "Deploy to staging");
  auto end = parse_workflow_command("::endgroup::");
  REQUIRE(end);
  CHECK(end->name == "endgroup");
  CHECK(end->value.empty());
  // Leading whitespace is skipped, as GitHub's runner does.
  auto indented = parse_workflow_command("   ::add-mask::x1y2");
  REQUIRE(indented);
  CHECK(indented->value == "x1y2");
}

TEST_CASE("workflow commands: ordinary lines are not commands", "[core][commands]") {
  CHECK_FALSE(parse_workflow_command(""));
  CHECK_FALSE(parse_workflow_command("   "));
  CHECK_FALSE(parse_workflow_command("echo ::add-mask::secret"));
  CHECK_FALSE(parse_workflow_command("see std::vector::push_back"));
  CHECK_FALSE(parse_workflow_command("::add-mask"));
  CHECK_FALSE(parse_workflow_command("::::value"));
  CHECK_FALSE(parse_workflow_command(":: add-mask::value"));
  CHECK_FALSE(parse_workflow_command("::a.b::value"));
  CHECK_FALSE(parse_workflow_command(":add-mask::value"));
}

TEST_CASE("workflow commands: format_workflow_command escapes what parse decodes",
          "[core][commands]") {
  WorkflowCommand mask{"add-mask", {}, "multi\nline %0A secret"};
  CHECK(format_workflow_command(mask) == "::add-mask::multi%0Aline %250A secret");
  WorkflowCommand error{
      "error", {{"title", "step: deploy, attempt 2"}, {"line", "3"}}, "failed: 100%\r\n"};
  std::string line = format_workflow_command(error);
  CHECK(line == "::error title=step%3A deploy%2C attempt 2,line=3::failed: 100%25%0D%0A");
  auto back = parse_workflow_command(line);
  REQUIRE(back);
  CHECK(back->name == error.name);
  CHECK(back->properties == error.properties);
  CHECK(back->value == error.value);
}

// Found by fuzz_workflow_command (fuzz/): format + parse keeps a command,
// except for blanks at the two ends of the property list, which the parser
// trims as GitHub's runner does (no escape exists for a space).
TEST_CASE("workflow commands: format then parse keeps all but the blanks ending the property list",
          "[core][commands]") {
  WorkflowCommand c{"error", {{"title", "a: b, c%"}, {"line", "3 "}}, "x\r\ny%"};
  auto back = parse_workflow_command(format_workflow_command(c));
  REQUIRE(back);
  CHECK(back->name == "error");
  CHECK(back->value == c.value);
  CHECK(back->properties == std::vector<std::pair<std::string, std::string>>{{"title", "a: b, c%"}, {"line", "3"}});
  // The fuzzer's inputs: a value with a blank end that only became last once
  // the properties without '=' after it were dropped; a key with leading blanks.
  auto first = parse_workflow_command("::CZ k=v ,ttt,,$::x");
  REQUIRE(first);
  CHECK(first->properties == std::vector<std::pair<std::string, std::string>>{{"k", "v "}});
  CHECK(parse_workflow_command(format_workflow_command(*first))->properties ==
        std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
  auto second = parse_workflow_command("::ecr l,  \" =v::x");
  REQUIRE(second);
  CHECK(second->properties == std::vector<std::pair<std::string, std::string>>{{"  \" ", "v"}});
  CHECK(parse_workflow_command(format_workflow_command(*second))->properties ==
        std::vector<std::pair<std::string, std::string>>{{"\" ", "v"}});
}
