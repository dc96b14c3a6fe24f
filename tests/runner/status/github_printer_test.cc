#include "runner/status/github_printer.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "runner/core/output_file.h"
#include "tests/runner/status/capture.h"

namespace wf::status {
namespace {

namespace fs = std::filesystem;
using exec::Outcome;
using step_api::StepLog;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

size_t count(const std::string& text, std::string_view part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Lines as GitHub's runner reads them (CR, LF and CRLF end a line).
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') {
      line += text[i];
      continue;
    }
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    lines.push_back(std::move(line));
    line.clear();
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// A path in a fresh temporary directory, removed with it.
struct TempPath {
  TempPath() {
    std::random_device rd;
    dir = fs::temp_directory_path() /
          ("wf-status-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir);
    path = (dir / "file").string();
  }
  ~TempPath() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string read() const {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path dir;
  std::string path;
};

// Checks that groups never nest and each holds only its own step's lines
// ("<step> ..." or the attempt's result line). Returns the group titles.
std::vector<std::string> check_groups(const std::string& text) {
  std::vector<std::string> titles;
  std::optional<std::string> open;
  for (const auto& line : lines_of(text)) {
    INFO(line);
    if (line.starts_with("::group::")) {
      REQUIRE_FALSE(open);
      open = line.substr(9);
      titles.push_back(*open);
    } else if (line == "::endgroup::") {
      REQUIRE(open);
      open.reset();
    } else if (open) {
      std::string step = open->substr(0, open->find(' '));
      bool own =
          line.starts_with(step + " ") || line.starts_with("✓ attempt") || line.starts_with("✗ ");
      CHECK(own);
    } else {
      CHECK_FALSE(line.starts_with("a "));
      CHECK_FALSE(line.starts_with("b "));
      CHECK_FALSE(line.starts_with("c "));
    }
  }
  CHECK_FALSE(open);
  return titles;
}

TEST_CASE("github: groups never nest when parallel steps interleave", "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {});
  printer.run_started(test::run_start(3));
  printer.attempt_started(test::attempt_start("a"));
  printer.attempt_started(test::attempt_start("b", 1, 2));
  printer.step_line("a", StepLog::Stream::kStdout, "a line 1");
  printer.step_line("b", StepLog::Stream::kStdout, "b line 1");
  printer.step_line("a", StepLog::Stream::kStderr, "a line 2");
  auto b_failed = test::attempt_end("b", false);
  b_failed.retry_in = core::Millis(500);
  printer.attempt_finished(b_failed);
  printer.attempt_started(test::attempt_start("c"));
  printer.step_line("c", StepLog::Stream::kStdout, "c line 1");
  printer.attempt_started(test::attempt_start("b", 2, 2));
  printer.step_line("b", StepLog::Stream::kStdout, "b line 2");
  printer.step_line("a", StepLog::Stream::kStdout, "a line 3");

  // a is live: its lines are printed as they come; b and c wait.
  std::string so_far = out.text();
  CHECK(contains(so_far, "::group::a\na line 1\na line 2\na line 3\n"));
  CHECK_FALSE(contains(so_far, "b line 1"));

  printer.attempt_finished(test::attempt_end("a", true));
  printer.step_finished(test::step_end("a", Outcome::kSuccess));
  printer.step_line("c", StepLog::Stream::kStdout, "c line 2");
  printer.attempt_finished(test::attempt_end("b", true, 2));
  printer.step_finished(test::step_end("b", Outcome::kSuccess, 2));
  printer.attempt_finished(test::attempt_end("c", true));
  printer.step_finished(test::step_end("c", Outcome::kSuccess));
  printer.run_finished(test::run_end(
      {test::step_end("a", Outcome::kSuccess), test::step_end("b", Outcome::kSuccess, 2),
       test::step_end("c", Outcome::kSuccess)},
      true));
  std::string text = out.text();
  auto titles = check_groups(text);
  CHECK(titles == std::vector<std::string>{"a", "b (attempt 1/2)", "c", "b (attempt 2/2)"});
  CHECK(contains(text,
                 "::group::b (attempt 1/2)\nb line 1\n✗ attempt 1/2 failed (transient) in 1.2s: "
                 "exit code 1; retrying in 500ms\n::endgroup::\n"));
  CHECK(contains(text,
                 "::group::c\nc line 1\nc line 2\n✓ attempt succeeded in 1.2s\n::endgroup::\n"));
  CHECK(contains(text, "[a] ✓ success in 1.2s\n"));
  CHECK(contains(text, "[b] ✓ success in 1.2s (2 attempts)\n"));
  CHECK(contains(text, "wf: deploy succeeded in 3.2s"));
}

TEST_CASE("github: a step cannot end wf's group or run commands other than annotations", "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {});
  printer.attempt_started(test::attempt_start("a"));
  printer.attempt_started(test::attempt_start("b"));
  printer.step_line("a", StepLog::Stream::kStdout, "::endgroup::");
  printer.step_line("b", StepLog::Stream::kStdout, "  ::error::fake\n##[group]legacy");
  printer.attempt_finished(test::attempt_end("b", true));
  printer.attempt_finished(test::attempt_end("a", true));
  std::string text = out.text();
  auto lines = lines_of(text);
  // Every command-looking output line sits between stop-commands and its resume token.
  std::optional<std::string> stopped;
  size_t wrapped = 0;
  for (const auto& line : lines) {
    if (stopped) {
      if (line == "::" + *stopped + "::")
        stopped.reset();
      else
        ++wrapped;
      continue;
    }
    if (line.starts_with("::stop-commands::")) {
      stopped = line.substr(17);
      CHECK(stopped->size() >= 32);
    }
  }
  CHECK(wrapped == 2);
  CHECK(count(text, "::group::") == 2);
  // Its annotation passes through, titled with the step.
  CHECK(contains(text, "\n::error title=b::fake\n"));
  CHECK_FALSE(stopped);
}

TEST_CASE("github: failures become escaped error annotations, at most 10", "[status]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(12));
  std::vector<exec::StepEnd> steps;
  for (int i = 0; i < 12; ++i) {
    std::string id = i == 0 ? "eu:west,1" : "step-" + std::to_string(i);
    printer.attempt_started(test::attempt_start(id));
    auto failed = test::attempt_end(id, false);
    failed.failure_class = core::FailureClass::kPermanent;
    failed.summary = "50% done\nthen: it broke, badly\r";
    printer.attempt_finished(failed);
    auto end = test::step_end(id, Outcome::kFailure);
    end.reason = failed.summary;
    printer.step_finished(end);
    steps.push_back(end);
  }
  auto soft = test::step_end("soft", Outcome::kFailure);
  soft.continue_on_error = true;
  soft.reason = "lint warnings";
  printer.step_finished(soft);
  steps.push_back(soft);
  printer.run_finished(test::run_end(steps, false));

  std::string text = out.text();
  CHECK(contains(text,
                 "::error title=eu%3Awest%2C1 failed::50%25 done%0Athen: it broke, badly%0D\n"));
  CHECK(count(text, "::error ") == 10);
  CHECK_FALSE(contains(text, "::error title=step-11"));
  CHECK(contains(text, "::warning title=soft failed (continue-on-error)::lint warnings\n"));
  CHECK(contains(text, "wf: 2 more failures are not annotated"));
  // The failures without annotation are still in the summary.
  std::string md = summary.read();
  CHECK(contains(md, "| ❌ | step-11 | failure | 1 | 1.2s | 50% done then: it broke, badly  |"));
  CHECK(contains(md, "2 failures are only listed here"));
  CHECK(check_groups(text).size() == 12);
}

TEST_CASE("github: the job summary is appended, with links, emoji and every step", "[status]") {
  test::Capture out;
  TempPath summary;
  { std::ofstream(summary.path) << "earlier content\n"; }
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(4));
  auto smoke = test::step_end("smoke", Outcome::kSuccess, 1, core::Millis(65000));
  smoke.links = {{"smoke run", "https://github.com/planetarium/9c-infra/actions/runs/42"},
                 {"weird", "https://example.com/a b)c"},
                 {"not a url", "javascript:alert(1)"}};
  auto lint = test::step_end("lint_all", Outcome::kFailure);
  lint.reason = "3 files | need <fmt>";
  auto report = test::step_end("report", Outcome::kSkipped, 0, core::Millis(0));
  report.reason = "needs failed";
  auto cancelled = test::step_end("deploy", Outcome::kCancelled, 1, core::Millis(500));
  printer.run_finished(test::run_end({smoke, lint, report, cancelled}, false));

  std::string md = summary.read();
  CHECK(md.starts_with("earlier content\n### ❌ deploy failed in 3.2s\n"));
  CHECK(contains(md,
                 "| ✅ | smoke | success | 1 | 1m05s | "
                 "[smoke run](https://github.com/planetarium/9c-infra/actions/runs/42) · "
                 "[weird](https://example.com/a%20b%29c) · not a url: javascript:alert(1) |\n"));
  CHECK(contains(md, "| ❌ | lint\\_all | failure | 1 | 1.2s | 3 files \\| need &lt;fmt&gt; |\n"));
  CHECK(contains(md, "| ⏭️ | report | skipped | 0 | – | needs failed |\n"));
  CHECK(contains(md, "| 🚫 | deploy | cancelled | 1 | 500ms |  |\n"));
  CHECK(fs::file_size(summary.path) == md.size());
}

TEST_CASE("github: the job summary lists a matrix step's instances under it", "[status][matrix]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(2));
  auto deploy = test::step_end("deploy", Outcome::kFailure, 0, core::Millis(2000));
  deploy.reason = "1 of 2 instances succeeded";
  deploy.instances = {test::step_end("deploy (a, us)", Outcome::kSuccess, 1, core::Millis(1000)),
                      test::step_end("deploy (b, us)", Outcome::kFailure, 2, core::Millis(1500))};
  deploy.instances[1].step_summary = "b's own summary\n";
  auto after = test::step_end("after", Outcome::kSkipped, 0, core::Millis(0));
  printer.run_finished(test::run_end({deploy, after}, false));
  std::string md = summary.read();
  INFO(md);
  CHECK(contains(md, "| ❌ | deploy | failure | 0 | 2.0s | matrix of 2 instances · 1 of 2 instances succeeded |\n"
                     "| ✅ | ↳ deploy (a, us) | success | 1 | 1.0s |  |\n"
                     "| ❌ | ↳ deploy (b, us) | failure | 2 | 1.5s |"));
  CHECK(contains(md, "| ⏭️ | after | skipped |"));
  CHECK(contains(md, "deploy (b, us)\n\nb's own summary\n"));
}

TEST_CASE("github: the job summary stays under 1 MiB", "[status]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  std::vector<exec::StepEnd> steps;
  for (int i = 0; i < 3000; ++i) {
    auto s = test::step_end("step-" + std::to_string(i), Outcome::kFailure);
    s.reason = std::string(5000, 'x');  // cut to 2000 per cell
    steps.push_back(s);
  }
  printer.run_finished(test::run_end(steps, false));
  std::string md = summary.read();
  CHECK(md.size() < GitHubPrinter::kMaxSummaryBytes);
  CHECK(md.size() > GitHubPrinter::kMaxSummaryBytes - 4000);
  CHECK(contains(md, "| step-0 |"));
  CHECK_FALSE(contains(md, "| step-2999 |"));
  CHECK(contains(md, "more steps are not shown: the summary is kept under 1 MiB"));

  SECTION("counting what the file held before") {
    test::Capture out2;
    GitHubPrinter again(out2.file, {.step_summary_path = summary.path});
    again.run_finished(test::run_end({steps[0]}, false));
    std::string both = summary.read();
    CHECK(both.size() < GitHubPrinter::kMaxSummaryBytes);
    CHECK(both.ends_with(
        "1 more steps are not shown: the summary is kept under 1 MiB. Every step is in "
        ".wf/runs/20261122-213501-4f2a/report.json._\n\n"));
  }
  SECTION("writing nothing when even the heading would not fit") {
    {
      std::ofstream(summary.path, std::ios::app)
          << std::string(GitHubPrinter::kMaxSummaryBytes - md.size() - 100, 'y');
    }
    test::Capture out2;
    GitHubPrinter again(out2.file, {.step_summary_path = summary.path});
    again.run_finished(test::run_end({steps[0]}, false));
    CHECK(fs::file_size(summary.path) == GitHubPrinter::kMaxSummaryBytes - 100);
  }
}

TEST_CASE("github: a line break in a reason cannot forge a workflow command", "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {});
  printer.attempt_started(test::attempt_start("a"));
  printer.step_line("a", StepLog::Stream::kStdout, "progress\r::error::forged by CR");
  auto failed = test::attempt_end("a", false);
  failed.summary = "boom\n::error::forged in a summary";
  printer.attempt_finished(failed);
  auto end = test::step_end("a", Outcome::kFailure);
  end.reason = "boom\r\n::endgroup::";
  printer.step_finished(end);
  printer.run_finished(test::run_end({end}, false));
  // Outside stop-commands, the only commands are wf's own.
  std::optional<std::string> stopped;
  std::vector<std::string> commands;
  for (const auto& line : lines_of(out.text())) {
    if (stopped) {
      if (line == "::" + *stopped + "::") stopped.reset();
    } else if (line.starts_with("::stop-commands::")) {
      stopped = line.substr(17);
    } else if (line.starts_with("::")) {
      commands.push_back(line.substr(0, line.find("::", 2) + 2));
    }
  }
  // The step's own line after the CR is an annotation of its own, as on GitHub.
  CHECK(commands == std::vector<std::string>{"::group::", "::error title=a::", "::endgroup::",
                                             "::error title=a failed::"});
}

TEST_CASE("github: add-mask escapes the value and masks each line of a multi-line one",
          "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {});
  printer.add_mask("");
  printer.add_mask("  \n");
  printer.add_mask("s3cr%t: a,b");
  printer.add_mask("line-one\r\nline:two\n");
  CHECK(out.text() ==
        "::add-mask::s3cr%25t: a,b\n"
        "::add-mask::line-one%0D%0Aline:two%0A\n"
        "::add-mask::line-one\n"
        "::add-mask::line:two\n");
}

TEST_CASE("github: workflow outputs are appended to GITHUB_OUTPUT", "[status]") {
  test::Capture out;
  TempPath output;
  GitHubPrinter printer(out.file, {.output_path = output.path});
  CHECK(printer.append_outputs({{"digest", "sha256:abc"}, {"notes", "a\nb"}}));
  auto parsed = core::parse_output_file(output.read());
  REQUIRE(parsed.ok());
  CHECK(*parsed == core::OutputEntries{{"digest", "sha256:abc"}, {"notes", "a\nb"}});
  CHECK_FALSE(printer.append_outputs({{"bad=name", "x"}}));
  CHECK(contains(out.text(), "::warning::wf: output name 'bad=name' cannot be written"));
  // A name ending in '<' would glue onto a heredoc's "<<" (fuzz_output_file).
  CHECK_FALSE(printer.append_outputs({{"bad<", "x\ny"}}));
  CHECK(contains(out.text(), "::warning::wf: output name 'bad<' cannot be written"));
  CHECK(core::parse_output_file(output.read()).ok());
}

TEST_CASE("github: a run that ends mid-attempt still closes every group", "[status]") {
  test::Capture out;
  {
    GitHubPrinter printer(out.file, {});
    printer.attempt_started(test::attempt_start("a"));
    printer.attempt_started(test::attempt_start("b"));
    printer.step_line("a", StepLog::Stream::kStdout, "a line");
    printer.step_line("b", StepLog::Stream::kStdout, "b line");
  }
  std::string text = out.text();
  CHECK(text ==
        "::group::a\na line\n(attempt unfinished)\n::endgroup::\n"
        "::group::b\nb line\n(attempt unfinished)\n::endgroup::\n");
}

}  // namespace
}  // namespace wf::status

namespace wf::status {
namespace {

TEST_CASE("github: a step's annotations pass through, file relative to the workspace", "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {.workspace = "/ws/repo"});
  auto start = test::attempt_start("lint");
  start.working_directory = "/ws/repo/infra";
  printer.attempt_started(start);
  printer.step_line("lint", StepLog::Stream::kStdout,
                    "::error file=main.tf,line=3,col=5,title=tflint,foo=bar::bad%0Aresource");
  printer.step_line("lint", StepLog::Stream::kStderr, "::warning FILE=/ws/repo/a/b.yaml,Line=2::w");
  printer.step_line("lint", StepLog::Stream::kStdout, "::notice file=/elsewhere/x.tf::n");
  printer.attempt_finished(test::attempt_end("lint", true));
  std::string text = out.text();
  CHECK(contains(text, "\n::error file=infra/main.tf,line=3,col=5,title=lint%3A tflint::bad%0Aresource\n"));
  CHECK(contains(text, "\n::warning file=a/b.yaml,line=2,title=lint::w\n"));
  CHECK(contains(text, "\n::notice file=/elsewhere/x.tf,title=lint::n\n"));
  CHECK_FALSE(contains(text, "foo"));
}

TEST_CASE("github: 10 annotations of each kind, steps' and wf's together, the rest in the summary",
          "[status]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(2));
  printer.attempt_started(test::attempt_start("lint"));
  for (int i = 1; i <= 10; ++i)
    printer.step_line("lint", StepLog::Stream::kStdout,
                      "::error file=f" + std::to_string(i) + ".tf,line=" + std::to_string(i) + "::e" + std::to_string(i));
  printer.step_line("lint", StepLog::Stream::kStdout, "::warning::only warning");
  printer.attempt_finished(test::attempt_end("lint", false));
  auto end = test::step_end("lint", Outcome::kFailure);
  end.reason = "lint found errors";
  printer.step_finished(end);
  printer.run_finished(test::run_end({end}, false));
  std::string text = out.text();
  CHECK(count(text, "\n::error ") == 10);
  CHECK(count(text, "\n::warning ") == 1);
  CHECK_FALSE(contains(text, "::error title=lint failed::"));
  std::string md = summary.read();
  CHECK(contains(md, "Annotations GitHub does not show"));
  CHECK(contains(md, "lint failed: lint found errors"));
}

TEST_CASE("github: a secret a step registers is passed to the runner, never shown", "[status]") {
  test::Capture out;
  GitHubPrinter printer(out.file, {});
  printer.attempt_started(test::attempt_start("a"));
  printer.step_line("a", StepLog::Stream::kStdout, "one");
  printer.secret_added("hunter2-pass");
  std::string text = out.text();
  CHECK(count(text, "hunter2-pass") == 1);
  CHECK(contains(text, "\n::add-mask::hunter2-pass\n"));
}

TEST_CASE("github: the summary has names, classes and each step's own summary", "[status]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(2));
  auto a = test::step_end("build", Outcome::kSuccess);
  a.step_name = "Build the image";
  a.step_summary = "## Image\n\ndigest sha256:abc";
  a.links = {{"image", "https://registry.test/img@sha256:abc"}};
  auto b = test::step_end("deploy", Outcome::kFailure, 3);
  b.failure_class = core::FailureClass::kTransient;
  b.reason = "connection reset";
  printer.run_finished(test::run_end({a, b}, false));
  std::string md = summary.read();
  CHECK(contains(md, "| build (Build the image) | success |"));
  CHECK(contains(md, "class transient · connection reset"));
  CHECK(contains(md, "[image](https://registry.test/img@sha256:abc)"));
  size_t heading = md.find("#### ✅ build (Build the image)\n\n## Image\n\ndigest sha256:abc\n");
  CHECK(heading != std::string::npos);
  CHECK(md.size() < GitHubPrinter::kMaxSummaryBytes);
}

TEST_CASE("github: a step summary that does not fit is left out with a note", "[status]") {
  test::Capture out;
  TempPath summary;
  GitHubPrinter printer(out.file, {.step_summary_path = summary.path});
  printer.run_started(test::run_start(2));
  auto a = test::step_end("a", Outcome::kSuccess);
  a.step_summary = std::string(700 * 1024, 'x');
  auto b = test::step_end("b", Outcome::kSuccess);
  b.step_summary = std::string(700 * 1024, 'y');
  printer.run_finished(test::run_end({a, b}, true));
  std::string md = summary.read();
  CHECK(md.size() < GitHubPrinter::kMaxSummaryBytes);
  CHECK(contains(md, "#### ✅ a"));
  CHECK_FALSE(contains(md, "#### ✅ b"));
  CHECK(contains(md, "1 more parts are not shown"));
}

TEST_CASE("github: all outputs as one JSON entry when asked (the action's output)", "[status]") {
  test::Capture out;
  TempPath file;
  GitHubPrinter printer(out.file, {.output_path = file.path, .outputs_json_name = "wf-outputs"});
  CHECK(printer.append_outputs({{"a", "1"}, {"b", "two\nlines"}}));
  auto parsed = core::parse_output_file(file.read());
  REQUIRE(parsed);
  REQUIRE(parsed->size() == 3);
  CHECK((*parsed)[2].first == "wf-outputs");
  CHECK((*parsed)[2].second == R"({"a":"1","b":"two\nlines"})");
}

}  // namespace
}  // namespace wf::status
