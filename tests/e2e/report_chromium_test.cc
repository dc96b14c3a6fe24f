// report.html in a real browser (headless Chromium): the page renders
// without a console error, every step shows with its outcome, and a
// screenshot is saved for a human to look at. The page's first script
// records errors in the DOM (<html data-errors>, #wf-errors) and the main
// one marks the end of rendering (<html data-rendered>), so --dump-dom
// tells a page that threw from one that rendered; the last test case proves
// that on a page broken on purpose.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <unistd.h>

#include "tests/e2e/report_support.h"

#ifndef WF_TEST_OUTPUT_DIR
#error "WF_TEST_OUTPUT_DIR: where the screenshot goes"
#endif

namespace {

namespace fs = std::filesystem;
using namespace wf::test;
using namespace wf::test::report;

std::string find_chromium() {
  std::stringstream path(std::getenv("PATH") ? std::getenv("PATH") : "");
  for (std::string dir; std::getline(path, dir, ':');)
    for (const char* name : {"chromium", "chromium-browser"}) {
      fs::path p = fs::path(dir) / name;
      if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
  return "";
}

/// Headless Chromium with a profile and HOME of its own (removed after).
class Chromium {
 public:
  Chromium() : binary_(find_chromium()) {
    if (binary_.empty())
      FAIL("chromium not found on PATH (install: apt-get install chromium, or run scripts/install-deps.sh as root)");
  }
  /// Runs chromium on `page` with `args` after the common ones.
  CommandResult run(const std::string& page, const std::vector<std::string>& args) {
    std::vector<std::string> argv{binary_, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                  "--user-data-dir=" + profile_.path() + "/profile", "--hide-scrollbars"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("file://" + page);
    return run_command(argv, profile_.path(), {{"HOME", profile_.path()}}, 90);
  }
  /// The DOM after the page's scripts ran.
  std::string dom(const std::string& page) {
    auto r = run(page, {"--virtual-time-budget=3000", "--dump-dom"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }

 private:
  std::string binary_;
  TempDir profile_;
};

/// data-step -> data-outcome of the elements whose class starts with `cls`.
std::map<std::string, std::string> outcomes_of(const std::string& dom, const std::string& cls) {
  std::map<std::string, std::string> out;
  std::regex re("<g class=\"" + cls + "[^\"]*\" data-step=\"([^\"]*)\" data-outcome=\"([^\"]*)\"");
  for (std::sregex_iterator it(dom.begin(), dom.end(), re), end; it != end; ++it) out[(*it)[1]] = (*it)[2];
  return out;
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report.html in Chromium: renders without errors, every step with its outcome", "[e2e][report][chromium]") {
  Chromium chromium;
  TempDir dir;
  auto w = run_demo(dir);
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  std::string page = w.run_dir + "/report.html";
  std::string dom = chromium.dom(page);
  INFO(dom.substr(0, 4000));
  CHECK(dom.find("data-rendered=\"true\"") != std::string::npos);
  CHECK(dom.find("data-errors=\"") == std::string::npos);

  std::map<std::string, std::string> expected(kOutcomes.begin(), kOutcomes.end());
  CHECK(outcomes_of(dom, "row") == expected);   // the timeline's rows
  CHECK(outcomes_of(dom, "node") == expected);  // the graph's nodes
  // flaky: two attempt bars and the backoff wait between them.
  CHECK(count(dom, "data-step=\"flaky\" data-attempt=") == 2);
  CHECK(count(dom, "data-step=\"flaky\" data-wait-after=\"1\"") == 1);
  // Edges: prepare->flaky, prepare->broken, flaky->after, broken->after, broken->never.
  CHECK(count(dom, "class=\"edge") == 5);
  CHECK(count(dom, "class=\"edge critical\"") == 2);
  CHECK(dom.find("class=\"row critical\" data-step=\"flaky\"") != std::string::npos);
  // The first failed step is shown, log tail included.
  CHECK(dom.find("broken with ***") != std::string::npos);
  for (const auto& form : secret_forms()) CHECK(dom.find(form) == std::string::npos);
}

TEST_CASE("report.html in Chromium: a screenshot of the page", "[e2e][report][chromium]") {
  Chromium chromium;
  TempDir dir;
  auto w = run_demo(dir);
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  fs::create_directories(WF_TEST_OUTPUT_DIR);
  std::string png = std::string(WF_TEST_OUTPUT_DIR) + "/report.png";
  fs::remove(png);
  auto r = chromium.run(w.run_dir + "/report.html", {"--screenshot=" + png, "--window-size=1400,900"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::string bytes = read_file(png);
  CHECK(bytes.size() > 10000);
  CHECK(bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0);
}

TEST_CASE("report.html in Chromium: a page whose script throws is caught", "[e2e][report][chromium]") {
  Chromium chromium;
  TempDir dir;
  auto w = run_demo(dir);
  REQUIRE(w.r.exit_code == 0);
  std::string page = read_file(w.run_dir + "/report.html");
  const std::string call = "  header();\n";
  REQUIRE(page.find(call) != std::string::npos);
  std::string thrower = page, logger = page;
  thrower.replace(thrower.find(call), call.size(), call + "  undefined.boom();\n");
  logger.replace(logger.find(call), call.size(), call + "  console.error('boom');\n");

  std::string dom = chromium.dom(dir.write("throws.html", thrower));
  CHECK(dom.find("data-errors=\"1\"") != std::string::npos);
  CHECK(dom.find("data-rendered=\"true\"") == std::string::npos);
  CHECK(dom.find("TypeError") != std::string::npos);

  dom = chromium.dom(dir.write("logs-error.html", logger));
  CHECK(dom.find("data-errors=\"1\"") != std::string::npos);
  CHECK(dom.find("console.error: boom") != std::string::npos);
}
