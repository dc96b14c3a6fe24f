// report.html's pure parts: the data embedded in the page stays data (no
// step output breaks out of its <script> element), log tails, and the
// critical path.

#include "runner/exec/report_html.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/command.h"

namespace {

using wf::core::Value;
using namespace wf::exec;
using Ms = std::chrono::milliseconds;

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The text of the <script type="application/json" id="wf-data"> element.
std::string embedded_json(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"wf-data\">";
  size_t from = page.find(open);
  REQUIRE(from != std::string::npos);
  from += open.size();
  size_t to = page.find("</script>", from);
  REQUIRE(to != std::string::npos);
  return page.substr(from, to - from);
}

const std::string kHostile = "</script><img src=x onerror=alert(1)><!-- <script>alert(2)</script> & \xE2\x80\xA8 \xE2\x80\xA9";

Value page_data(const std::string& output) {
  Value step(Value::Object{{"id", "build"},
                           {"outcome", "success"},
                           {"needs", Value(Value::Array{})},
                           {"attempts", Value(Value::Array{})},
                           {"outputs", Value(Value::Object{{"x", output}})}});
  return Value(Value::Object{{"run_id", "r1"}, {"workflow", "w"}, {"steps", Value(Value::Array{step})}});
}

TEST_CASE("report.html: an output holding </script><img onerror> stays inert data", "[report]") {
  std::string empty = render_report_html(page_data("plain"));
  std::string page = render_report_html(page_data(kHostile));
  // No new element and no end of the script element: the page has exactly
  // the tags the template has.
  CHECK(count(page, "</script>") == count(empty, "</script>"));
  CHECK(count(page, "<script") == count(empty, "<script"));
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("<!--") == empty.find("<!--"));
  CHECK(page.find("\xE2\x80\xA8") == std::string::npos);
  CHECK(page.find("\xE2\x80\xA9") == std::string::npos);
  // ... and the value reads back unchanged from the element's text.
  auto j = nlohmann::json::parse(embedded_json(page));
  CHECK(j["steps"][0]["outputs"]["x"] == kHostile);
  CHECK(j["run_id"] == "r1");
}

TEST_CASE("report.html: the template takes the data once and renders with textContent only", "[report]") {
  std::string page = render_report_html(page_data("v"));
  CHECK(page.find("WF_REPORT_DATA_JSON") == std::string::npos);
  CHECK(page.find("innerHTML") == std::string::npos);
  CHECK(page.find("outerHTML") == std::string::npos);
  CHECK(page.find("insertAdjacentHTML") == std::string::npos);
  CHECK(page.find("document.write") == std::string::npos);
  // Self-contained: nothing is fetched.
  CHECK(page.find("src=") == std::string::npos);
  CHECK(page.find("@import") == std::string::npos);
  CHECK(page.find("<link") == std::string::npos);
}

TEST_CASE("report.html: escape_script_json escapes < > & and the JS line separators only", "[report]") {
  CHECK(escape_script_json(R"({"a":"<b>&c"})") == R"({"a":"\u003cb\u003e\u0026c"})");
  CHECK(escape_script_json("\"\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xA7\"") == "\"\\u2028\\u2029\xE2\x80\xA7\"");
  CHECK(escape_script_json("\"\xE2\x80\"") == "\"\xE2\x80\"");  // a cut sequence stays as it was
}

TEST_CASE("report.html: a log tail is capped and starts at a line", "[report]") {
  wf::test::TempDir dir;
  std::string small = dir.write("small.log", "one\ntwo\n");
  LogTail t = read_log_tail(small, 100);
  CHECK(t.text == "one\ntwo\n");
  CHECK_FALSE(t.truncated);

  std::string big;
  for (int i = 0; i < 1000; ++i) big += "line " + std::to_string(i) + "\n";
  LogTail b = read_log_tail(dir.write("big.log", big), 100);
  CHECK(b.truncated);
  CHECK(b.text.size() <= 100);
  CHECK(b.text.rfind("line ", 0) == 0);
  CHECK(b.text.substr(b.text.size() - 9) == "line 999\n");

  CHECK(read_log_tail(dir.path() + "/missing.log", 100).text.empty());
}

TEST_CASE("report.html: the critical path follows the need that ended last", "[report]") {
  // a(0-10) -> c(10-40); b(0-30) -> c; c -> d(40-50); e(0-45) alone; f never ran.
  std::vector<std::optional<Ms>> ends{Ms(10), Ms(30), Ms(40), Ms(50), Ms(45), std::nullopt};
  std::vector<std::vector<size_t>> needs{{}, {}, {0, 1}, {2}, {}, {3}};
  CHECK(critical_path(ends, needs) == std::vector<size_t>{1, 2, 3});

  // A need that never ran (skipped) ends the chain.
  CHECK(critical_path({std::nullopt, Ms(5)}, {{}, {0}}) == std::vector<size_t>{1});
  CHECK(critical_path({std::nullopt}, {{}}).empty());
}

}  // namespace
