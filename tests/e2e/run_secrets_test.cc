// wf run: what it prints when stdout is not a terminal (plain `[step] line`s,
// or one JSON event per line), and secrets masked as *** in every sink: the
// console, the step logs, journal.jsonl and report.json; including a secret
// split across two writes, each line of a multi-line secret, its base64, and
// values registered with ::add-mask::.

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;



bool has_escape_codes(const std::string& s) { return s.find('\x1b') != std::string::npos; }

const std::string kToken = "tok-S3cr3t-Value-4711";
const std::string kLine1 = "first-secret-line";
const std::string kLine2 = "second-secret-line";

constexpr const char* kSecrets = R"yaml(name: secrets
secrets:
  tok: { env: TOK }
  multi: { env: MULTI }
steps:
  direct:
    run: |
      echo "tok=${{ secrets.tok }}"
      echo "env tok=$TOK"
  split:
    run: |
      printf '%s' "${TOK:0:5}"; sleep 0.2; printf '%s\n' "${TOK:5}"
  multi-line:
    run: |
      printf '%s\n' "$MULTI"
      echo "second alone: ${MULTI#*$'\n'}"
  encoded:
    run: |
      printf %s "$TOK" | base64
      printf %s "x-$TOK" | base64
  add-mask:
    run: |
      VALUE="dyn-$RANDOM$RANDOM-generated-value"
      echo "$VALUE" > dyn.txt
      echo "::add-mask::$VALUE"
      echo "registered: $VALUE"
      echo "value=$VALUE" >> "$WF_OUTPUT"
  later:
    needs: [add-mask]
    run: echo "later sees ${{ steps.add-mask.outputs.value }}"
  outputs:
    run: echo "leak=$TOK" >> "$WF_OUTPUT"
  fails:
    continue-on-error: true
    run: |
      echo "failing with $TOK" >&2
      exit 1
  malformed:
    continue-on-error: true
    run: echo "oops $TOK" >> "$WF_OUTPUT"
)yaml";

/// The secret forms that must never be written anywhere.
std::vector<std::string> forbidden(const std::string& dynamic) {
  return {kToken, kLine1, kLine2, base64(kToken), dynamic, "::add-mask::", "generated-value"};
}

/// The files a run writes that must be masked: step logs, journal, report.
std::vector<std::string> masked_sinks(const std::string& run_dir) {
  std::vector<std::string> files = {run_dir + "/journal.jsonl", run_dir + "/report.json"};
  for (const auto& f : files_under(run_dir + "/logs")) files.push_back(f);
  return files;
}

}  // namespace

TEST_CASE("run: without a terminal, one plain [step] line per output line", "[e2e][run][logs]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: plain
steps:
  colors:
    run: |
      printf '\033[31mred text\033[0m\n'
      printf 'line one\nline two\n'
      echo "to stderr" >&2
      printf 'no newline at the end'
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"TERM", "xterm-256color"}, {"CLICOLOR_FORCE", "1"}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK_FALSE(has_escape_codes(w.r.out));
  CHECK_FALSE(has_escape_codes(w.r.err));
  CHECK(w.r.out.find('\r') == std::string::npos);
  std::vector<std::string> step_output;
  for (const auto& line : split_lines(w.r.out))
    if (line.rfind("[colors] ", 0) == 0) step_output.push_back(line);
  // started, 5 lines of output, the end line.
  REQUIRE(step_output.size() == 7);
  CHECK(step_output[1] == "[colors] red text");
  CHECK(step_output[2] == "[colors] line one");
  CHECK(step_output[3] == "[colors] line two");
  CHECK(step_output[4] == "[colors] to stderr");
  CHECK(step_output[5] == "[colors] no newline at the end");
  // The log file has the step's lines, tagged by stream.
  std::string log = read_file(w.run_dir + "/logs/colors.1.log");
  CHECK_THAT(log, Contains("out| line one\nout| line two\n"));
  CHECK_THAT(log, Contains("err| to stderr\n"));
}

TEST_CASE("run: --log-format json prints one JSON event per line", "[e2e][run][logs]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: json
steps:
  first:
    run: |
      echo 'quote " and backslash \ and tab	here'
      echo "second line"
  second:
    needs: [first]
    run: exit 1
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--log-format", "json"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  auto lines = split_lines(w.r.out);
  REQUIRE(lines.size() >= 4);
  std::vector<json> events;
  for (const auto& line : lines) {
    json e = parse_or_discarded(line);
    INFO(line);
    REQUIRE(e.is_object());
    REQUIRE(e.contains("event"));
    // When it happened: UTC, milliseconds ("2026-12-07T14:12:13.807Z").
    CHECK_THAT(e.value("time", ""), Catch::Matchers::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"));
    events.push_back(e);
  }
  CHECK(events.front()["event"] == "run_started");
  CHECK(events.back()["event"] == "run_finished");
  CHECK(events.back()["exit_code"] == 1);
  std::vector<std::string> texts;
  for (const auto& e : events)
    if (e["event"] == "step_line" && e.value("step", "") == "first") texts.push_back(e.value("text", ""));
  CHECK(texts == std::vector<std::string>{"quote \" and backslash \\ and tab\there", "second line"});
}

TEST_CASE("run: secrets are *** on the console, in step logs, the journal and report.json", "[e2e][run][secrets]") {
  TempDir dir;
  dir.write("wf.yaml", kSecrets);
  std::map<std::string, std::string> env{{"TOK", kToken}, {"MULTI", kLine1 + "\n" + kLine2}};
  for (const char* format : {"text", "json"}) {
    DYNAMIC_SECTION("--log-format " << format) {
      auto w = wf_run(dir, {"run", "wf.yaml", "-j", "8", "--log-format", format}, env);
      std::string dynamic = read_file(dir.path() + "/dyn.txt");
      if (!dynamic.empty() && dynamic.back() == '\n') dynamic.pop_back();
      REQUIRE(dynamic.size() > 20);
      INFO(w.all());
      CHECK(w.r.exit_code == 0);  // the failing steps continue on error
      for (const auto& secret : forbidden(dynamic)) {
        INFO("secret form: " << secret);
        CHECK(w.r.out.find(secret) == std::string::npos);
        CHECK(w.r.err.find(secret) == std::string::npos);
        for (const auto& file : masked_sinks(w.run_dir)) {
          INFO("file: " << file);
          CHECK(read_file(file).find(secret) == std::string::npos);
        }
      }
      if (std::string(format) == "text") {
        CHECK_THAT(w.r.out, Contains("[direct] tok=***\n"));
        CHECK_THAT(w.r.out, Contains("[direct] env tok=***\n"));
        CHECK_THAT(w.r.out, Contains("[split] ***\n"));
        // each line of the two-line secret, wherever other steps' lines fall between them
        int multi_masked = 0;
        for (const auto& line : split_lines(w.r.out))
          if (line == "[multi-line] ***") ++multi_masked;
        CHECK(multi_masked == 2);
        CHECK_THAT(w.r.out, Contains("[multi-line] second alone: ***\n"));
        CHECK_THAT(w.r.out, Contains("[encoded] ***\n"));
        int encoded_masked = 0;  // the whole encoding, and the one that starts 2 bytes into a group
        for (const auto& line : split_lines(w.r.out))
          if (line.rfind("[encoded] ", 0) == 0 && line.find("***") != std::string::npos) ++encoded_masked;
        CHECK(encoded_masked == 2);
        CHECK_THAT(w.r.out, Contains("[add-mask] registered: ***\n"));
        CHECK_THAT(w.r.out, Contains("[later] later sees ***\n"));
      }
      CHECK_THAT(read_file(w.run_dir + "/logs/split.1.log"), Contains("out| ***\n"));
      CHECK_THAT(read_file(w.run_dir + "/logs/add-mask.1.log"), Contains("out| registered: ***\n"));
      CHECK(step_of(w.report, "outputs")["outputs"]["leak"] == "***");
      CHECK(step_of(w.report, "add-mask")["outputs"]["value"] == "***");
      CHECK_THAT(step_of(w.report, "malformed")["attempts"][0].value("summary", ""), Contains("***"));
    }
  }
}

TEST_CASE("run: no file under .wf/ holds a secret (scratch output files included)", "[e2e][run][secrets]") {
  // state.h: "Everything written here is already masked."
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: scratch
secrets:
  tok: { env: TOK }
steps:
  writes-output:
    run: |
      echo "leak=$TOK" >> "$WF_OUTPUT"
      echo "script saw ${{ secrets.tok }}"
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"TOK", kToken}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  for (const auto& file : files_under(dir.path() + "/.wf")) {
    INFO("file: " << file);
    CHECK(read_file(file).find(kToken) == std::string::npos);
  }
}

TEST_CASE("run: a secret file that is a folder or unreadable is an error before anything runs",
          "[e2e][run][secrets]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/token-dir");
  dir.write("wf.yaml", R"yaml(name: secret-dir
secrets:
  token: { file: token-dir }
steps:
  a:
    run: echo ran > ran.txt
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 2);
  CHECK_THAT(w.r.err, Contains("secret 'token'"));
  CHECK_THAT(w.r.err, Contains("is a folder, not a file"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/ran.txt"));
}

TEST_CASE("run: scratch files are 0600 in 0700 folders and gone after the step", "[e2e][run][secrets]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: scratch
steps:
  a:
    run: |
      echo "file-mode=$(stat -c %a "$WF_OUTPUT")"
      echo "dir-mode=$(stat -c %a "$(dirname "$WF_OUTPUT")")"
      echo "parent-mode=$(stat -c %a "$(dirname "$(dirname "$WF_OUTPUT")")")"
      echo "$WF_OUTPUT" > where.txt
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 0);
  CHECK_THAT(w.r.out, Contains("file-mode=600"));
  CHECK_THAT(w.r.out, Contains("dir-mode=700"));
  CHECK_THAT(w.r.out, Contains("parent-mode=700"));
  std::string where = read_file(dir.path() + "/where.txt");
  while (!where.empty() && where.back() == '\n') where.pop_back();
  REQUIRE_FALSE(where.empty());
  CHECK_FALSE(std::filesystem::exists(where));
}
