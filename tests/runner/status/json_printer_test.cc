#include "runner/status/json_printer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/runner/status/capture.h"

namespace wf::status {
namespace {

using exec::Outcome;
using nlohmann::json;
using step_api::StepLog;

std::vector<json> parse_lines(const std::string& text) {
  std::vector<json> events;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t nl = text.find('\n', begin);
    REQUIRE(nl != std::string::npos);
    events.push_back(json::parse(text.substr(begin, nl - begin)));
    begin = nl + 1;
  }
  return events;
}

TEST_CASE("json printer: every event is one parseable line with its fields", "[status]") {
  test::Capture out;
  JsonPrinter printer(out.file);
  printer.run_started(test::run_start(2));
  printer.attempt_started(test::attempt_start("upload", 1, 3));
  printer.step_line("upload", StepLog::Stream::kStderr,
                    "quote \" and \\ and \x01 and bad \xff utf-8");
  auto failed = test::attempt_end("upload", false);
  failed.retry_in = core::Millis(1500);
  printer.attempt_finished(failed);
  printer.attempt_started(test::attempt_start("upload", 2, 3));
  printer.attempt_finished(test::attempt_end("upload", true, 2));
  auto done = test::step_end("upload", Outcome::kSuccess, 2, core::Millis(4000));
  done.outputs = core::Value(core::Value::Object{{"digest", "sha256:abc"}});
  done.links = {{"run", "https://github.com/o/r/actions/runs/1"}};
  printer.step_finished(done);
  auto end = test::run_end({done}, true);
  printer.run_finished(end);

  auto events = parse_lines(out.text());
  REQUIRE(events.size() == 8);
  CHECK(events[0]["event"] == "run_started");
  CHECK(events[0]["run_id"] == "20261122-213501-4f2a");
  CHECK(events[0]["steps"] == 2);
  CHECK(events[1]["event"] == "attempt_started");
  CHECK(events[1]["step"] == "upload");
  CHECK(events[1]["max_attempts"] == 3);
  CHECK(events[2]["event"] == "step_line");
  CHECK(events[2]["stream"] == "stderr");
  CHECK(events[2]["text"].get<std::string>().starts_with("quote \" and \\ and \x01 and bad "));
  CHECK(events[3]["event"] == "attempt_finished");
  CHECK(events[3]["ok"] == false);
  CHECK(events[3]["class"] == "transient");
  CHECK(events[3]["summary"] == "exit code 1");
  CHECK(events[3]["duration_ms"] == 1200);
  CHECK(events[3]["retry_in_ms"] == 1500);
  CHECK(events[5]["ok"] == true);
  CHECK_FALSE(events[5].contains("class"));
  CHECK_FALSE(events[5].contains("retry_in_ms"));
  CHECK(events[5]["attempt"] == 2);
  const json& finished = events[6];
  CHECK(finished["event"] == "step_finished");
  CHECK(finished["outcome"] == "success");
  CHECK(finished["attempts"] == 2);
  CHECK(finished["duration_ms"] == 4000);
  CHECK(finished["outputs"]["digest"] == "sha256:abc");
  CHECK(finished["links"][0]["url"] == "https://github.com/o/r/actions/runs/1");
  CHECK(events.back()["event"] == "run_finished");
  CHECK(events.back()["exit_code"] == 0);
  CHECK(events.back()["steps"]["upload"] == "success");
}

TEST_CASE("json printer: each line is flushed as soon as it is printed", "[status]") {
  char buf[4096] = {};
  std::FILE* f = fmemopen(buf, sizeof buf, "w");
  REQUIRE(f != nullptr);
  std::setvbuf(f, nullptr, _IOFBF, 1 << 16);
  {
    JsonPrinter printer(f);
    printer.step_line("a", StepLog::Stream::kInfo, "hello");
    CHECK(std::string(buf).find("\"text\":\"hello\"}\n") != std::string::npos);
  }
  std::fclose(f);
}

}  // namespace
}  // namespace wf::status
