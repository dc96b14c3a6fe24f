// Reading past runs back (runner/exec/history.h): a journal's text into a
// run summary, a run's status from its end event and its lock, ages and
// what a prune removes.

#include "runner/exec/history.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runner/exec/state.h"
#include "tests/support/command.h"

using namespace wf::exec;
using wf::test::TempDir;

namespace {

// A failed run of three steps: `build` succeeded with an output, `upload`
// failed twice (transient, then permanent), `report` was skipped.
constexpr const char* kFailedRun =
    R"({"time":"2026-12-07T22:10:00.000Z","event":"run_started","run_id":"20261207-221000000-ab12","workflow":"deploy","file":"deploy.yaml","file_key":"/w/deploy.yaml","inputs":{"tag":"v1","token":"***"},"resumed_from":"20261207-220000000-0001"}
{"time":"2026-12-07T22:10:00.100Z","event":"attempt_started","step":"build","attempt":1,"definition_hash":"h1"}
{"time":"2026-12-07T22:10:01.100Z","event":"attempt_finished","step":"build","attempt":1,"ok":true,"class":null,"summary":"","duration_ms":1000}
{"time":"2026-12-07T22:10:01.200Z","event":"step_finished","step":"build","outcome":"success","outputs":{"image":"app:v1"},"attempts":1,"reason":"","reused":false}
{"time":"2026-12-07T22:10:01.300Z","event":"attempt_started","step":"upload","attempt":1}
{"time":"2026-12-07T22:10:01.400Z","event":"attempt_finished","step":"upload","attempt":1,"ok":false,"class":"transient","summary":"exit code 1","duration_ms":100}
{"time":"2026-12-07T22:10:02.400Z","event":"attempt_started","step":"upload","attempt":2}
{"time":"2026-12-07T22:10:02.500Z","event":"attempt_finished","step":"upload","attempt":2,"ok":false,"class":"permanent","summary":"denied","duration_ms":100}
{"time":"2026-12-07T22:10:02.600Z","event":"step_finished","step":"upload","outcome":"failure","outputs":{},"attempts":2,"reason":"denied","reused":false,"continue_on_error":true}
{"time":"2026-12-07T22:10:02.700Z","event":"step_finished","step":"report","outcome":"skipped","outputs":{},"attempts":0,"reason":"needs failed: upload"}
{"time":"2026-12-07T22:10:03.000Z","event":"run_finished","ok":false,"cancelled":false,"exit_code":1}
)";

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

RunRecord record(const std::string& id, RunStatus status, int64_t started_ms) {
  RunRecord r;
  r.id = id;
  r.status = status;
  r.run.started_ms = started_ms;
  return r;
}

}  // namespace

TEST_CASE("history: a journal becomes the run's summary with steps in the order they appear", "[exec][history]") {
  auto run = summarize_journal(kFailedRun, "journal.jsonl");
  REQUIRE(run.ok());
  CHECK(run->id == "20261207-221000000-ab12");
  CHECK(run->workflow == "deploy");
  CHECK(run->file_key == "/w/deploy.yaml");
  CHECK(run->resumed_from == "20261207-220000000-0001");
  CHECK(run->finished);
  CHECK_FALSE(run->ok);
  CHECK(run->inputs.find("token")->as_string() == "***");
  CHECK(run->last_event_ms - run->started_ms == 3000);
  REQUIRE(run->steps.size() == 3);
  CHECK(run->steps[0].id == "build");
  CHECK(run->steps[0].outputs.find("image")->as_string() == "app:v1");
  CHECK(run->steps[0].finished_ms - run->steps[0].started_ms == 1100);
  const PastStep* upload = run->step("upload");
  REQUIRE(upload);
  CHECK(upload->outcome == "failure");
  CHECK(upload->continue_on_error);
  REQUIRE(upload->attempt_list.size() == 2);
  CHECK(upload->attempt_list[0].failure_class == "transient");
  CHECK(upload->attempt_list[1].summary == "denied");
  CHECK(run->step("report")->attempt_list.empty());
  CHECK(run_status(*run, false) == RunStatus::kFailure);
}

TEST_CASE("history: a run without run_finished is in progress while its lock is held and interrupted when not",
          "[exec][history]") {
  std::string text(kFailedRun);
  text = text.substr(0, text.find("{\"time\":\"2026-12-07T22:10:02.400Z\""));
  text += R"({"time":"2026-12-07T22:10:02.4)";  // torn by a kill
  auto run = summarize_journal(text, "j");
  REQUIRE(run.ok());
  CHECK_FALSE(run->finished);
  CHECK(run->step("upload")->outcome.empty());
  CHECK(run_status(*run, true) == RunStatus::kInProgress);
  CHECK(run_status(*run, false) == RunStatus::kInterrupted);
  CHECK(std::string(run_status_name(RunStatus::kInterrupted)) == "interrupted");
}

TEST_CASE("history: a cancelled run and a corrupt line named by path and line", "[exec][history]") {
  auto run = summarize_journal(
      "{\"time\":\"2026-12-07T22:10:00Z\",\"event\":\"run_started\",\"run_id\":\"x\"}\n"
      "{\"time\":\"2026-12-07T22:10:05Z\",\"event\":\"run_finished\",\"ok\":false,\"cancelled\":true}\n",
      "j");
  REQUIRE(run.ok());
  CHECK(run_status(*run, false) == RunStatus::kCancelled);
  auto bad = summarize_journal("{\"event\":\"run_started\"}\nnot json\n{}\n", "runs/x/journal.jsonl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().rfind("runs/x/journal.jsonl:2: ", 0) == 0);
}

TEST_CASE("history: wf step's journal ends when each step it started has finished", "[exec][history]") {
  auto open = summarize_journal(R"({"time":"2026-12-07T22:10:00Z","event":"step_started","run_id":"r","step":"a","file":"w.yaml"})"
                                "\n",
                                "j");
  REQUIRE(open.ok());
  CHECK(open->single_step);
  CHECK_FALSE(open->finished);
  auto done = summarize_journal(
      R"({"time":"2026-12-07T22:10:00Z","event":"step_started","run_id":"r","step":"a","file":"w.yaml"}
{"time":"2026-12-07T22:10:01Z","event":"step_finished","step":"a","outcome":"success","attempts":1,"single_step":true}
)",
      "j");
  REQUIRE(done.ok());
  CHECK(run_status(*done, false) == RunStatus::kSuccess);
  CHECK(run_of_workflow(*done, "/elsewhere/w.yaml"));  // no key: matched by file name
  CHECK_FALSE(run_of_workflow(*done, "/elsewhere/other.yaml"));
}

TEST_CASE("history: times of journals and run ids and ages for --older-than", "[exec][history]") {
  CHECK(parse_utc_ms("1970-01-01T00:00:01.250Z") == 1250);
  CHECK(parse_utc_ms("1970-01-02T00:00:00Z") == 86400000);
  CHECK_FALSE(parse_utc_ms("1970-01-02 00:00:00Z"));
  CHECK_FALSE(parse_utc_ms("yesterday"));
  CHECK(run_id_time_ms("19700101-000002500-ab12") == 2500);
  CHECK_FALSE(run_id_time_ms("my-run"));
  CHECK(parse_age("7d") == std::chrono::hours(24 * 7));
  CHECK(parse_age("1d12h") == std::chrono::hours(36));
  CHECK(parse_age("12h") == std::chrono::hours(12));
  CHECK(parse_age("90m") == std::chrono::minutes(90));
  CHECK_FALSE(parse_age("d"));
  CHECK_FALSE(parse_age("7 days"));
  CHECK_FALSE(parse_age("-1d"));
}

TEST_CASE("history: a prune keeps the N newest and the young and never a run in progress", "[exec][history]") {
  const int64_t day = 86400000, now = 100 * day;
  std::vector<RunRecord> runs = {record("e", RunStatus::kSuccess, now - 1 * day),
                                 record("d", RunStatus::kFailure, now - 3 * day),
                                 record("c", RunStatus::kInProgress, now - 10 * day),
                                 record("b", RunStatus::kInterrupted, now - 20 * day),
                                 record("a", RunStatus::kSuccess, now - 30 * day)};
  using V = std::vector<size_t>;
  CHECK(runs_to_prune(runs, 1, std::nullopt, now) == V{1, 3, 4});
  CHECK(runs_to_prune(runs, std::nullopt, std::chrono::hours(24 * 7), now) == V{3, 4});
  CHECK(runs_to_prune(runs, 4, std::chrono::hours(24 * 2), now) == V{4});
  CHECK(runs_to_prune(runs, 0, std::nullopt, now) == V{0, 1, 3, 4});
  CHECK(runs_to_prune(runs, std::nullopt, std::nullopt, now).empty());
}

TEST_CASE("history: list_runs reads a state directory newest first and sees a held lock", "[exec][history]") {
  TempDir dir;
  std::string state = dir.path() + "/.wf";
  std::string old_run(kFailedRun);
  write(state + "/runs/20261207-221000000-ab12/journal.jsonl", old_run);
  write(state + "/runs/20261207-221000000-ab12/logs/build.1.log", "out| hi\n");
  std::string live_id = "20261207-230000000-cd34";
  write(state + "/runs/" + live_id + "/journal.jsonl",
        R"({"time":"2026-12-07T23:00:00Z","event":"run_started","run_id":")" + live_id +
            R"(","file":"deploy.yaml","file_key":"/w/deploy.yaml"})" + "\n");
  write(state + "/runs/20261207-235900000-zz99/journal.jsonl",
        R"({"time":"2026-12-07T23:59:00Z","event":"run_started","run_id":"o","file":"other.yaml","file_key":"/w/other.yaml"})"
        "\n");

  auto runs = list_runs(state, "/w/deploy.yaml");
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].id == live_id);
  CHECK(runs[0].status == RunStatus::kInterrupted);
  CHECK(runs[1].status == RunStatus::kFailure);
  CHECK(runs[1].bytes == old_run.size() + 8);
  CHECK(list_runs(state).size() == 3);

  CHECK_FALSE(lock_holder(state, "deploy.yaml"));
  auto lock = StateLock::acquire(state, live_id, false, "deploy.yaml");
  REQUIRE(lock.ok());
  CHECK(lock_holder(state, "deploy.yaml") == live_id);
  CHECK(list_runs(state, "/w/deploy.yaml")[0].status == RunStatus::kInProgress);
  CHECK(read_run(state, live_id)->status == RunStatus::kInProgress);
  CHECK_FALSE(read_run(state, "../runs"));
  lock->reset();
  CHECK(read_run(state, live_id)->status == RunStatus::kInterrupted);

  auto removed = remove_run(runs[1]);
  REQUIRE(removed.ok());
  CHECK(*removed == old_run.size() + 8);
  CHECK_FALSE(std::filesystem::exists(runs[1].dir));
}
