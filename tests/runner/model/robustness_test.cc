// The loader never throws and never crashes: whatever the bytes, the answer
// is a workflow or diagnostics with a position.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/runner/model/model_test_support.h"

using namespace wf::model;
using namespace wf::model::test;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Loads `text`; fails the test when it throws, or when it neither loads nor
// says where the problem is.
void check_answers(const std::string& text) {
  LoadResult r;
  REQUIRE_NOTHROW(r = load(text));
  if (r.workflow) return;
  REQUIRE_FALSE(r.diagnostics.empty());
  for (const auto& d : r.diagnostics) {
    INFO(text);
    INFO(d.str());
    CHECK(d.loc.line > 0);
    CHECK(d.loc.column > 0);
  }
}

}  // namespace

TEST_CASE("loader: a mangled workflow gives diagnostics with positions, never an exception", "[model]") {
  const std::string text =
      read(std::filesystem::path(WF_SOURCE_DIR) / "tests/data/workflows/valid/deploy-testnet.yaml");
  REQUIRE(text.size() > 500);
  const char* inserts[] = {":", "[", "{", "\"", "'", "\t", "${{ ", "}}", "\n  ", "&a ", "*a", "- ", "|"};
  const size_t n = sizeof(inserts) / sizeof(*inserts);
  for (size_t pos = 0, i = 0; pos < text.size(); pos += 3, ++i) {
    check_answers(text.substr(0, pos) + text.substr(pos + 1));               // a byte less
    check_answers(text.substr(0, pos) + inserts[i % n] + text.substr(pos));  // something more
  }
}

TEST_CASE("loader: odd YAML is answered with diagnostics", "[model]") {
  for (const char* text : {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
                           "a: &x [*x]\n", "? [a, b]\n: c\nsteps: {a: {run: x}}\n", "steps: {a: {run: x}}\n---\nb: 1\n",
                           "\xEF\xBB\xBFsteps: {a: {run: x}}\n", "steps:\r\n  a:\r\n    run: x\r\n    nede: 1\r\n",
                           "%YAML 1.2\n---\nsteps: {a: {run: x}}\n", "steps: !!map {a: {run: !!str 1}}\n", "\x01\x02",
                           "steps: {a: {run: \"\\xZZ\"}}\n", "steps: {a: {run: ${{ }}}}\n"}) {
    check_answers(text);
  }
  std::string deep;
  for (int i = 0; i < 1500; ++i) deep += "[";
  check_answers("steps: " + deep);
  std::string deep_ok = "steps: {a: {run: x}}\nenv: ";
  for (int i = 0; i < 300; ++i) deep_ok += "[";
  for (int i = 0; i < 300; ++i) deep_ok += "]";
  check_answers(deep_ok + "\n");
}

// Found by fuzz_workflow (fuzz/): yaml-cpp put its error mark past the end of
// the text, and the loader read text[mark - 2] out of bounds (AddressSanitizer
// reports it in the asan build).
TEST_CASE("loader: a YAML error marked past the end of the text is a diagnostic", "[model]") {
  const std::string text(
      "\x00" "7eps:d:\n$   r\x82\x90 \"a:/ ob\n  tes\x02" "b\n  tes\x02\x00\x00\x00t: [unclosed\n", 55);
  REQUIRE(text.size() == 55);
  check_answers(text);
}

// Found by fuzz_workflow (fuzz/): yaml-cpp 0.7's LoadAll never returned on a
// ',' outside brackets after a document; `wf validate` hung.
TEST_CASE("loader: a ',' outside brackets after the document is an error, not a hang", "[model]") {
  for (const char* text : {",", "[a],", "[a],\n", "# c\n{a: 1},\n"}) {
    LoadResult r = load(text);
    CAPTURE(text);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].message == "invalid YAML: a ',' or other flow indicator outside brackets");
  }
  CHECK(load("[a],").diagnostics[0].loc.column == 4);
  check_answers(read(std::filesystem::path(WF_SOURCE_DIR) / "fuzz/corpus/workflow/regression-comma-hang"));
}
