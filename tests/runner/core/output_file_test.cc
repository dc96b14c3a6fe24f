#include "runner/core/output_file.h"

#include <catch2/catch.hpp>

using namespace wf::core;

namespace {

OutputEntries parse_ok(std::string_view content) {
  auto parsed = parse_output_file(content);
  if (!parsed) FAIL("unexpected error: " << parsed.error());
  return *parsed;
}

std::string parse_error(std::string_view content) {
  auto parsed = parse_output_file(content);
  REQUIRE_FALSE(parsed.ok());
  return parsed.error();
}

}  // namespace

TEST_CASE("output file: name=value lines", "[core][outputs]") {
  CHECK(parse_ok("digest=sha256:abc\nurl=https://x/y?a=b&c=d\nempty=\n") ==
        OutputEntries{{"digest", "sha256:abc"}, {"url", "https://x/y?a=b&c=d"}, {"empty", ""}});
  CHECK(parse_ok("").empty());
  // Splits at the first '=', so the value keeps later '=' and '<<'.
  CHECK(parse_ok("expr=a=b<<c") == OutputEntries{{"expr", "a=b<<c"}});
  // No newline at the end of the file.
  CHECK(parse_ok("a=1") == OutputEntries{{"a", "1"}});
}

TEST_CASE("output file: heredocs span lines up to the delimiter", "[core][outputs]") {
  CHECK(parse_ok("body<<EOF\nline one\n\nline=three\nEOF\nnext=1\n") ==
        OutputEntries{{"body", "line one\n\nline=three"}, {"next", "1"}});
  CHECK(parse_ok("empty<<END\nEND\n") == OutputEntries{{"empty", ""}});
  CHECK(parse_ok("blank<<END\n\nEND") == OutputEntries{{"blank", ""}});
  CHECK(parse_ok("trail<<END\nx\n\nEND\n") == OutputEntries{{"trail", "x\n"}});
  // A line only containing the delimiter ends it; one containing more does not.
  CHECK(parse_ok("v<<EOF\n EOF\nEOF2\nEOF\n") == OutputEntries{{"v", " EOF\nEOF2"}});
  // '<<' before any '=' makes a heredoc.
  CHECK(parse_ok("v<<A=B\nx\nA=B\n") == OutputEntries{{"v", "x"}});
}

TEST_CASE("output file: blank lines are ignored and CRLF is tolerated", "[core][outputs]") {
  CHECK(parse_ok("\n\na=1\r\n   \r\n\r\nb<<EOF\r\nx\r\ny\r\nEOF\r\n") ==
        OutputEntries{{"a", "1"}, {"b", "x\ny"}});
}

TEST_CASE("output file: a later definition overrides but keeps the first position",
          "[core][outputs]") {
  CHECK(parse_ok("a=1\nb=2\na<<EOF\nthree\nEOF\n") == OutputEntries{{"a", "three"}, {"b", "2"}});
}

TEST_CASE("output file: errors name their line", "[core][outputs]") {
  CHECK(parse_error("a=1\n\nfoo\n") == R"(line 3: missing '=' or '<<' in "foo")");
  CHECK(parse_error("a=1\n=2\n") == "line 2: empty output name");
  CHECK(parse_error("<<EOF\nx\nEOF\n") == "line 1: empty output name");
  CHECK(parse_error("a=1\nb=2\n\nc=3\nbody<<EOF\nnever\nclosed\n") ==
        "line 5: heredoc 'EOF' for 'body' is never closed");
  CHECK(parse_error("x=1\r\nbody<<\r\nEOF\r\n") == "line 2: empty heredoc delimiter for 'body'");
  // The line count goes on after a heredoc.
  CHECK(parse_error("h<<E\n1\n2\nE\noops\n") == R"(line 5: missing '=' or '<<' in "oops")");
}

TEST_CASE("output file: format_output round-trips through parse", "[core][outputs]") {
  const std::vector<std::string> values{
      "",           "plain",           "a=b=c",      "x<<y", "multi\nline\nvalue",
      "EOF",        "line\nEOF\nmore", "trailing\n", "\n\n", "ghadelimiter_\nEOF",
      "cr\rinside",
  };
  for (const std::string& value : values) {
    CAPTURE(value);
    std::string entry = format_output("out", value);
    CHECK(entry.back() == '\n');
    CHECK(parse_ok(entry) == OutputEntries{{"out", value}});
    CHECK(parse_ok("before=1\n" + entry + "after=2\n") ==
          OutputEntries{{"before", "1"}, {"out", value}, {"after", "2"}});
  }
}

TEST_CASE("output file: a multi-line value gets a random heredoc delimiter", "[core][outputs]") {
  CHECK(format_output("digest", "sha256:abc") == "digest=sha256:abc\n");
  std::string a = format_output("body", "one\ntwo");
  std::string b = format_output("body", "one\ntwo");
  REQUIRE(a.rfind("body<<ghadelimiter_", 0) == 0);
  std::string delimiter = a.substr(6, a.find('\n') - 6);
  CHECK(delimiter.size() == std::string("ghadelimiter_").size() + 32);
  CHECK(a == "body<<" + delimiter + "\none\ntwo\n" + delimiter + "\n");
  CHECK(a != b);
}

// Found by fuzz_output_file (fuzz/): `a<` + `<<DELIM` reads back as the name
// `a` with the delimiter `<DELIM`, here and in GitHub's runner.
TEST_CASE("output file: a name ending in '<' is not writable", "[core][outputs]") {
  CHECK_FALSE(writable_output_name("<"));
  CHECK_FALSE(writable_output_name("a<"));
  CHECK_FALSE(writable_output_name(""));
  CHECK_FALSE(writable_output_name("a<<b"));
  CHECK_FALSE(writable_output_name("a=b"));
  CHECK_FALSE(writable_output_name("a\rb"));
  CHECK(writable_output_name("<a"));
  CHECK(writable_output_name("a<b"));
  // The fuzzer's input: `<` = a value with a '\r' (so a heredoc) read back wrong.
  auto parsed = parse_ok(std::string_view("<=+\\\xf2\xff\\T\x0dT\x0d\x0d\x09T", 14));
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].first == "<");
  CHECK_FALSE(writable_output_name(parsed[0].first));
  // What can be written reads back, heredoc included.
  std::string written = format_output("a<b", "x\ry\nz") + format_output("n", "v");
  CHECK(parse_ok(written) == OutputEntries{{"a<b", "x\ry\nz"}, {"n", "v"}});
}
