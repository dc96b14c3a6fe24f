// wf run: the state it keeps in .wf/runs/<id>/ (journal.jsonl, report.json),
// --resume (steps that succeeded with the same definition are not run again
// and their outputs come back), resuming after SIGKILL at many moments, run
// ids, and the lock that keeps two runs off one state directory.

#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "runner/exec/state.h"
#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;


size_t line_count(const std::string& path) { return split_lines(read_file(path)).size(); }

std::string run_id_of(const std::string& run_dir) { return fs::path(run_dir).filename().string(); }

/// A three-step chain for resume: `count` counts its runs and outputs a
/// value made of an input and that count; `check` needs it and fails until
/// the file `fixed` exists; `final` fails until `fixed-too` exists.
constexpr const char* kResume = R"yaml(name: resume
inputs:
  tag: { default: a }
steps:
  count:
    run: |
      echo x >> count.txt
      echo "value=${{ inputs.tag }}-$(wc -l < count.txt)" >> "$WF_OUTPUT"
  check:
    needs: [count]
    run: |
      echo x >> check.txt
      echo "${{ steps.count.outputs.value }}" >> seen.txt
      [ -f fixed ]
  final:
    needs: [check]
    run: |
      echo x >> final.txt
      [ -f fixed-too ]
)yaml";

}  // namespace

TEST_CASE("run: journal.jsonl and report.json record the run", "[e2e][run][state]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: recorded
steps:
  first:
    run: echo "answer=42" >> "$WF_OUTPUT"
  flaky:
    needs: [first]
    retry: { limit: 1, backoff: { delay: 10ms } }
    run: '[ "$WF_ATTEMPT" = 2 ]'
  soft:
    continue-on-error: true
    run: exit 4
  never:
    if: ${{ false }}
    run: echo no
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  REQUIRE(fs::path(w.run_dir).parent_path() == fs::path(dir.path()) / ".wf" / "runs");
  std::string id = run_id_of(w.run_dir);
  CHECK_THAT(w.r.out, Contains("wf: run " + id));

  // Journal: every line an object with a time and an event; starts and ends the run.
  REQUIRE(w.journal.size() >= 10);
  for (const auto& e : w.journal) {
    REQUIRE(e.is_object());
    CHECK(e.value("time", "").ends_with("Z"));
    CHECK(e.contains("event"));
  }
  CHECK(w.journal.front()["event"] == "run_started");
  CHECK(w.journal.front()["run_id"] == id);
  CHECK(w.journal.back()["event"] == "run_finished");
  CHECK(w.journal.back()["ok"] == true);
  std::map<std::string, int> started, finished, step_finished;
  for (const auto& e : w.journal) {
    std::string ev = e.value("event", ""), step = e.value("step", "");
    if (ev == "attempt_started") ++started[step];
    if (ev == "attempt_finished") ++finished[step];
    if (ev == "step_finished") ++step_finished[step];
  }
  CHECK(started == std::map<std::string, int>{{"first", 1}, {"flaky", 2}, {"soft", 1}});
  CHECK(finished == started);
  CHECK(step_finished == std::map<std::string, int>{{"first", 1}, {"flaky", 1}, {"soft", 1}, {"never", 1}});

  // wf's own reader agrees.
  auto state = wf::exec::read_journal(w.run_dir + "/journal.jsonl");
  REQUIRE(state.ok());
  CHECK(state->finished);
  CHECK(state->ok);
  CHECK(state->steps["first"].outcome == "success");
  CHECK(state->steps["never"].outcome == "skipped");

  // Report: the run and every step with attempts, classes, durations, outputs.
  REQUIRE(w.report.is_object());
  CHECK(w.report["run_id"] == id);
  CHECK(w.report["ok"] == true);
  CHECK(w.report["exit_code"] == 0);
  CHECK(w.report["duration_ms"].is_number());
  REQUIRE(w.report["steps"].size() == 4);
  json first = step_of(w.report, "first");
  CHECK(first["outputs"]["answer"] == "42");
  CHECK(first["duration_ms"].is_number());
  json flaky = step_of(w.report, "flaky");
  REQUIRE(flaky["attempts"].size() == 2);
  CHECK(flaky["attempts"][0]["class"] == "transient");
  CHECK(flaky["attempts"][0]["duration_ms"].is_number());
  CHECK(flaky["attempts"][1]["ok"] == true);
  json soft = step_of(w.report, "soft");
  CHECK(soft["outcome"] == "failure");
  CHECK(soft["continue_on_error"] == true);
  CHECK(step_of(w.report, "never")["outcome"] == "skipped");
  CHECK(step_of(w.report, "never")["attempts"].empty());
  // One log file per attempt.
  CHECK(fs::exists(w.run_dir + "/logs/flaky.1.log"));
  CHECK(fs::exists(w.run_dir + "/logs/flaky.2.log"));
}

TEST_CASE("run: --resume skips steps that succeeded with the same definition and restores their outputs",
          "[e2e][run][state][resume]") {
  TempDir dir;
  dir.write("wf.yaml", kResume);

  auto first = wf_run(dir, {"run", "wf.yaml"});
  INFO(first.all());
  REQUIRE(first.r.exit_code == 1);
  CHECK(line_count(dir.path() + "/count.txt") == 1);
  CHECK_THAT(first.r.out, Contains("resume with: wf run wf.yaml --resume"));

  // Same definition, still broken: count is reused, its output comes back.
  auto second = wf_run(dir, {"run", "wf.yaml", "--resume"});
  INFO(second.all());
  CHECK(second.r.exit_code == 1);
  CHECK(second.run_dir != first.run_dir);
  CHECK(line_count(dir.path() + "/count.txt") == 1);
  CHECK(line_count(dir.path() + "/check.txt") == 2);
  json count = step_of(second.report, "count");
  CHECK(count["outcome"] == "success");
  CHECK(count["reused"] == true);
  CHECK(count["attempts"].empty());
  CHECK(count["outputs"]["value"] == "a-1");
  CHECK(second.journal.front()["resumed_from"] == run_id_of(first.run_dir));
  CHECK_THAT(second.r.out, Contains("resuming run"));

  // Fixed, but with another input: count's resolved definition changed, so it runs again.
  dir.write("fixed", "");
  auto third = wf_run(dir, {"run", "wf.yaml", "--resume", run_id_of(second.run_dir), "-i", "tag=b"});
  INFO(third.all());
  CHECK(third.r.exit_code == 1);  // final still fails
  CHECK(line_count(dir.path() + "/count.txt") == 2);
  CHECK(step_of(third.report, "count")["reused"] == false);
  CHECK(step_of(third.report, "check")["outcome"] == "success");

  // Everything fixed: count and check are reused, final runs; check's output consumer saw each value.
  dir.write("fixed-too", "");
  auto fourth = wf_run(dir, {"run", "wf.yaml", "--resume", run_id_of(third.run_dir), "-i", "tag=b"});
  INFO(fourth.all());
  CHECK(fourth.r.exit_code == 0);
  CHECK(line_count(dir.path() + "/count.txt") == 2);
  CHECK(line_count(dir.path() + "/check.txt") == 3);
  CHECK(line_count(dir.path() + "/final.txt") == 2);
  CHECK(read_file(dir.path() + "/seen.txt") == "a-1\na-1\nb-2\n");
  CHECK(step_of(fourth.report, "count")["reused"] == true);
  CHECK(step_of(fourth.report, "check")["reused"] == true);
  CHECK(step_of(fourth.report, "final")["reused"] == false);

  auto unknown = wf_run(dir, {"run", "wf.yaml", "--resume", "20000101-000000-beef"});
  CHECK(unknown.r.exit_code == 2);
  CHECK_THAT(unknown.r.err, Contains("20000101-000000-beef"));
}

TEST_CASE("run: --resume gives a later step the real value of a reused step's output that holds a secret",
          "[e2e][run][state][resume][secrets]") {
  // The journal holds outputs masked ("***"), so it cannot be where a reused
  // step's secret-bearing output comes back from: either the value is kept
  // elsewhere or the step runs again. A later step must never get "***".
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: secret-output
secrets:
  tok: { env: TOK }
steps:
  login:
    run: |
      echo x >> login.txt
      echo "session=session-of-$TOK" >> "$WF_OUTPUT"
  use:
    needs: [login]
    run: |
      [ "${{ steps.login.outputs.session }}" = "session-of-$TOK" ] || { echo "got a wrong session"; exit 3; }
      [ -f fixed ]
)yaml");
  std::map<std::string, std::string> env{{"TOK", "tok-S3cr3t-Value-4711"}};
  auto first = wf_run(dir, {"run", "wf.yaml"}, env);
  INFO(first.all());
  REQUIRE(first.r.exit_code == 1);
  CHECK(step_of(first.report, "login")["outputs"]["session"] == "session-of-***");  // masked on disk
  dir.write("fixed", "");
  auto resumed = wf_run(dir, {"run", "wf.yaml", "--resume"}, env);
  INFO(resumed.all());
  CHECK(resumed.r.exit_code == 0);
  CHECK(resumed.r.out.find("got a wrong session") == std::string::npos);
}

TEST_CASE("run: --resume after a resume that succeeded repeats nothing", "[e2e][run][state][resume]") {
  TempDir dir;
  dir.write("wf.yaml", kResume);
  dir.write("fixed", "");
  REQUIRE(wf_run(dir, {"run", "wf.yaml"}).r.exit_code == 1);  // final fails
  dir.write("fixed-too", "");
  auto resumed = wf_run(dir, {"run", "wf.yaml", "--resume"});
  INFO(resumed.all());
  REQUIRE(resumed.r.exit_code == 0);
  // The failed run was completed by the resume: resuming again continues
  // the newest run, which succeeded, so every step is reused and the older
  // failure is not taken up again.
  auto again = wf_run(dir, {"run", "wf.yaml", "--resume"});
  INFO(again.all());
  CHECK(again.r.exit_code == 0);
  for (const char* id : {"count", "check", "final"}) CHECK(step_of(again.report, id).value("reused", false));
  CHECK(line_count(dir.path() + "/final.txt") == 2);
}

TEST_CASE("run: run ids sort by start time, so --resume finds the newest run", "[e2e][run][state][resume]") {
  // state.h: new_run_id() is "sortable by start time"; find_resumable_run()
  // takes the greatest name as the newest. Runs started within one second
  // must still sort in order.
  TempDir dir;
  dir.write("wf.yaml", "name: quick\nsteps:\n  fails: { run: exit 1 }\n");
  for (int i = 0; i < 5; ++i) REQUIRE(wf_run(dir, {"run", "wf.yaml"}).r.exit_code == 1);
  std::vector<std::string> by_start = run_dirs(dir.path() + "/.wf");  // ordered by journal start time
  REQUIRE(by_start.size() == 5);
  std::vector<std::string> by_name = by_start;
  std::sort(by_name.begin(), by_name.end());
  CHECK(by_name == by_start);

  // The consequence: a chain of resumes in quick succession resumes an older run.
  for (int round = 0; round < 3; ++round) {
    TempDir d;
    d.write("wf.yaml", kResume);
    REQUIRE(wf_run(d, {"run", "wf.yaml"}).r.exit_code == 1);  // count ok, check fails
    d.write("fixed", "");
    REQUIRE(wf_run(d, {"run", "wf.yaml", "--resume"}).r.exit_code == 1);  // check ok, final fails
    d.write("fixed-too", "");
    auto last = wf_run(d, {"run", "wf.yaml", "--resume"});
    INFO("round " << round << "\n" << last.all());
    CHECK(last.r.exit_code == 0);
    CHECK(line_count(d.path() + "/check.txt") == 2);  // check is not run again
  }
}

TEST_CASE("run: SIGKILL at any moment, then --resume: finished steps are not run again", "[e2e][run][state][sigkill]") {
  // Each step appends its id to ran.txt as its very last action, after
  // writing its output; downstream steps check the outputs they get. SIGKILL
  // cannot be handled by wf: the step scripts die with it (PDEATHSIG), but
  // their background or foreground `sleep`s do not, so the test kills what
  // carries its marker or the temp dir's path after each kill.
  auto workflow = [](const std::string& m) {
    auto step = [&](const std::string& id, const std::string& needs, int ms, const std::string& checks) {
      char sleep_arg[64];
      std::snprintf(sleep_arg, sizeof sleep_arg, "0.%03d0000%s", ms, m.c_str());
      return "  " + id + ":\n" + (needs.empty() ? "" : "    needs: [" + needs + "]\n") + "    run: |\n" + checks +
             "      sleep " + sleep_arg + "\n      echo \"v=" + id + "-ok\" >> \"$WF_OUTPUT\"\n      echo " + id +
             " >> ran.txt\n";
    };
    auto expect = [](const std::string& id) {
      return "      [ \"${{ steps." + id + ".outputs.v }}\" = " + id +
             "-ok ] || { echo \"::wf-failure-class::permanent\"; echo bad output of " + id + "; exit 1; }\n";
    };
    return "name: killed\nsteps:\n" + step("s1", "", 100, "") + step("s2", "s1", 200, expect("s1")) +
           step("s3", "s1", 150, expect("s1")) + step("s4", "s2, s3", 100, expect("s2") + expect("s3")) +
           step("s5", "", 300, "") + step("s6", "s4, s5", 100, expect("s4") + expect("s5"));
  };
  const std::vector<std::string> all_steps = {"s1", "s2", "s3", "s4", "s5", "s6"};

  for (int delay_ms : {0, 10, 30, 60, 90, 120, 160, 200, 240, 280, 320, 360, 400, 440, 480}) {
    DYNAMIC_SECTION("SIGKILL after " << delay_ms << " ms") {
      TempDir dir;
      std::string m = unique_marker();
      MarkerSweeper sweep(m);
      dir.write("wf.yaml", workflow(m));
      Background::Options opts;
      opts.cwd = dir.path();
      auto wf = start_wf({"run", "wf.yaml", "-j", "4"}, opts);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      wf->signal(SIGKILL);
      int killed = wf->wait(10);
      if (killed == 0) {
        WARN("the run finished before the kill: nothing to check at this delay");
        continue;
      }
      REQUIRE(killed == 128 + SIGKILL);
      kill_marked(m);           // the steps' sleeps
      kill_marked(dir.path());  // any step script still alive (its script path is under dir)

      // What the killed run's journal says succeeded.
      std::set<std::string> succeeded;
      auto runs = run_dirs(dir.path() + "/.wf");
      std::string journal_path = runs.empty() ? "" : runs.back() + "/journal.jsonl";
      bool has_journal = !journal_path.empty() && fs::exists(journal_path);
      if (has_journal) {
        auto lines = split_lines(read_file(journal_path));
        for (size_t i = 0; i < lines.size(); ++i) {
          INFO("journal line " << i + 1 << ": " << lines[i]);
          bool last = i + 1 == lines.size();
          CHECK((parse_or_discarded(lines[i]).is_object() || last));  // only the last line may be torn
        }
        auto state = wf::exec::read_journal(journal_path);
        INFO((state.ok() ? std::string() : state.error()));
        REQUIRE(state.ok());
        for (const auto& [id, s] : state->steps)
          if (s.outcome == "success") succeeded.insert(id);
      }
      size_t ran_before = line_count(dir.path() + "/ran.txt");

      WfRun resumed;
      for (int tries = 0; tries < 3; ++tries) {
        resumed = wf_run(dir, {"run", "wf.yaml", "-j", "4", "--resume"});
        if (resumed.r.exit_code == 2 && !has_journal &&
            resumed.r.err.find("nothing to resume") != std::string::npos) {
          resumed = wf_run(dir, {"run", "wf.yaml", "-j", "4"});  // killed before it recorded anything
        }
        if (resumed.r.exit_code == 0) break;
      }
      INFO("succeeded before the kill: " << succeeded.size() << "\n" << resumed.all());
      REQUIRE(resumed.r.exit_code == 0);
      auto ran = split_lines(read_file(dir.path() + "/ran.txt"));
      std::vector<std::string> ran_after(ran.begin() + static_cast<long>(std::min(ran_before, ran.size())), ran.end());
      for (const auto& id : succeeded) {
        INFO("step " << id << " had succeeded before the kill");
        CHECK(std::count(ran_after.begin(), ran_after.end(), id) == 0);
        CHECK(step_of(resumed.report, id)["reused"] == true);
      }
      for (const auto& id : all_steps) {
        INFO("step " << id);
        CHECK(std::count(ran.begin(), ran.end(), id) >= 1);
      }
    }
  }
}

TEST_CASE("run: a second run on the same state directory fails at once, or waits with --wait-lock",
          "[e2e][run][state][lock]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: locked
steps:
  hold:
    run: |
      touch "started.$$"
      for i in $(seq 200); do [ -f release ] && break; sleep 0.05; done
      [ -f release ]
)yaml");
  Background::Options opts;
  opts.cwd = dir.path();
  auto holder = start_wf({"run", "wf.yaml"}, opts);
  REQUIRE(holder->wait_for_out("[hold] started", 10));
  auto runs = run_dirs(dir.path() + "/.wf");
  REQUIRE(runs.size() == 1);
  std::string holder_id = run_id_of(runs[0]);

  auto start = std::chrono::steady_clock::now();
  auto second = run_wf_local({"run", "wf.yaml"}, dir.path(), {}, 30);
  double took = seconds_since(start);
  INFO(second.out << second.err);
  CHECK(second.exit_code == 2);
  CHECK(took < 2.0);
  CHECK_THAT(second.err, Contains(holder_id));
  CHECK_THAT(second.err, Contains("--wait-lock"));
  CHECK(run_dirs(dir.path() + "/.wf").size() == 1);  // it recorded no run of its own

  auto waiter = start_wf({"run", "wf.yaml", "--wait-lock"}, opts);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(waiter->running());
  CHECK(run_dirs(dir.path() + "/.wf").size() == 1);  // still waiting: nothing started
  dir.write("release", "");
  CHECK(holder->wait(10) == 0);
  int waiter_code = waiter->wait(10);
  INFO(waiter->out() << waiter->err());
  CHECK(waiter_code == 0);
  runs = run_dirs(dir.path() + "/.wf");
  REQUIRE(runs.size() == 2);
  // The waiter's run started after the holder's finished: they did not interleave.
  auto first_events = split_lines(read_file(runs[0] + "/journal.jsonl"));
  auto second_events = split_lines(read_file(runs[1] + "/journal.jsonl"));
  REQUIRE_FALSE(first_events.empty());
  REQUIRE_FALSE(second_events.empty());
  json finished = parse_or_discarded(first_events.back());
  json started = parse_or_discarded(second_events.front());
  CHECK(finished["event"] == "run_finished");
  CHECK(started["event"] == "run_started");
  CHECK(finished.value("time", "") <= started.value("time", ""));
}

TEST_CASE("run: a relative --state-dir is taken from where wf was started, and steps find their files in it",
          "[e2e][state]") {
  TempDir dir;
  dir.write("wf.yaml", "inputs:\n  v: { default: hi }\nsteps:\n  a:\n    run: echo \"${{ inputs.v }}\" > out.txt\n");
  dir.write("elsewhere/.keep", "");
  auto r = run_wf_local({"run", "../wf.yaml", "--state-dir", "st"}, dir.path() + "/elsewhere");
  INFO(r.out + r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(dir.path() + "/out.txt") == "hi\n");
  CHECK_FALSE(run_dirs(dir.path() + "/elsewhere/st").empty());
}
