// wf run: no process outlives wf. Steps that leave background grandchildren
// (`sleep 100N.<marker> &`) are stopped by a step timeout, by SIGINT (to wf's
// pid, or to its process group as a terminal's Ctrl-C would) and by SIGTERM;
// wf exits 130, records the running steps cancelled, finishes its journal,
// runs always()/cancelled() steps, and /proc holds no process with the marker.
//
// Every test kills what carries its marker when it ends (MarkerSweeper), so a
// failing test leaves nothing behind.

#include <signal.h>

#include <filesystem>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;


/// What a background run left behind once it ended.
struct Ended {
  int exit_code = -1;
  double seconds_after_signal = 0;
  std::string out, err;
  std::string run_dir;
  json report;
  std::vector<json> journal;
  std::vector<int> survivors;  // processes with the marker ~2 s after wf ended
  std::string all() const { return out + err; }
};

Ended wait_ended(Background& wf, const TempDir& dir, const std::string& marker,
                 std::chrono::steady_clock::time_point signalled) {
  Ended e;
  e.exit_code = wf.wait(20);
  e.seconds_after_signal = seconds_since(signalled);
  e.survivors = wait_until_no_marker(marker, 2.0);
  e.out = wf.out();
  e.err = wf.err();
  auto runs = run_dirs(dir.path() + "/.wf");
  if (!runs.empty()) {
    e.run_dir = runs.back();
    e.report = parse_or_discarded(read_file(e.run_dir + "/report.json"));
    for (const auto& line : split_lines(read_file(e.run_dir + "/journal.jsonl")))
      e.journal.push_back(parse_or_discarded(line));
  }
  return e;
}

/// Two steps with grandchildren: one waits for its background sleep, one
/// sleeps in the foreground after starting one in the background; a step
/// that needs one of them; an always() and a cancelled() step.
// Scripts mark "started" with a builtin (`: > F`), not `touch`: a SIGINT
// that reached a foreground touch would let bash go on into `wait`, where
// only the stop sequence's SIGTERM ends it.
std::string interrupted_workflow(const std::string& m) {
  return R"yaml(name: interrupted
steps:
  waiter:
    run: |
      sleep 1001.)yaml" + m + R"yaml( &
      : > waiter.started
      wait
  sleeper:
    run: |
      sleep 1002.)yaml" + m + R"yaml( &
      : > sleeper.started
      sleep 1003.)yaml" + m + R"yaml(
  later:
    needs: [waiter]
    run: touch later.ran
  cleanup:
    needs: [waiter, sleeper]
    if: always()
    run: echo "cleanup saw ${{ steps.waiter.outcome }} ${{ steps.sleeper.outcome }}" > cleanup.txt
  on-cancel:
    needs: [waiter]
    if: cancelled()
    run: touch on-cancel.ran
)yaml";
}

enum class How { kSigintToPid, kSigintToGroup, kSigtermToPid };

void check_interrupted(How how) {
  TempDir dir;
  std::string marker = unique_marker();
  MarkerSweeper sweep(marker);
  dir.write("wf.yaml", interrupted_workflow(marker));
  Background::Options opts;
  opts.cwd = dir.path();
  opts.own_group = how == How::kSigintToGroup;  // else wf shares the test's group: only its pid is signalled
  auto wf = start_wf({"run", "wf.yaml", "-j", "4"}, opts);
  bool started = wait_for_file(dir.path() + "/waiter.started", 10) && wait_for_file(dir.path() + "/sleeper.started", 10);
  INFO(wf->out() << wf->err());
  REQUIRE(started);
  // The three sleeps are running (the foreground one starts just after the touch).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (pids_with_marker(marker).size() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(pids_with_marker(marker).size() == 3);

  auto signalled = std::chrono::steady_clock::now();
  switch (how) {
    case How::kSigintToPid: wf->signal(SIGINT); break;
    case How::kSigintToGroup: wf->signal_group(SIGINT); break;
    case How::kSigtermToPid: wf->signal(SIGTERM); break;
  }
  Ended e = wait_ended(*wf, dir, marker, signalled);
  INFO(e.all());
  CHECK(e.exit_code == 130);
  // Steps that exit on SIGINT end at once: wf does not sit out its grace periods.
  CHECK(e.seconds_after_signal < 5.0);
  CHECK(e.survivors.empty());
  CHECK_THAT(e.err, Contains("interrupted"));

  REQUIRE(e.report.is_object());
  CHECK(e.report["cancelled"] == true);
  CHECK(e.report["exit_code"] == 130);
  CHECK(step_of(e.report, "waiter")["outcome"] == "cancelled");
  CHECK(step_of(e.report, "sleeper")["outcome"] == "cancelled");
  CHECK(step_of(e.report, "waiter")["attempts"][0]["class"] == "cancelled");
  json later = step_of(e.report, "later");
  CHECK(later["outcome"] == "skipped");
  CHECK_THAT(later.value("reason", ""), Contains("cancelled"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/later.ran"));
  // always() and cancelled() steps still ran, and saw the outcomes.
  CHECK(step_of(e.report, "cleanup")["outcome"] == "success");
  CHECK(read_file(dir.path() + "/cleanup.txt") == "cleanup saw cancelled cancelled\n");
  CHECK(step_of(e.report, "on-cancel")["outcome"] == "success");

  REQUIRE_FALSE(e.journal.empty());
  for (const auto& event : e.journal) CHECK(event.is_object());
  CHECK(e.journal.back().value("event", "") == "run_finished");
  CHECK(e.journal.back()["cancelled"] == true);
  CHECK(e.journal.back()["exit_code"] == 130);
}

}  // namespace

TEST_CASE("run: SIGINT to wf's pid stops every step and its grandchildren, exit 130", "[e2e][run][signals]") {
  check_interrupted(How::kSigintToPid);
}

TEST_CASE("run: Ctrl-C (SIGINT to wf's process group) stops every step, exit 130", "[e2e][run][signals]") {
  check_interrupted(How::kSigintToGroup);
}

TEST_CASE("run: SIGTERM to wf stops every step and its grandchildren, exit 130", "[e2e][run][signals]") {
  check_interrupted(How::kSigtermToPid);
}

TEST_CASE("run: a step timeout leaves no grandchild behind", "[e2e][run][signals][timeout]") {
  TempDir dir;
  std::string m = unique_marker();
  MarkerSweeper sweep(m);
  dir.write("wf.yaml", R"yaml(name: timeouts
steps:
  waits:
    timeout: 300ms
    run: |
      sleep 1001.)yaml" + m + R"yaml( &
      wait
  foreground:
    timeout: 300ms
    run: |
      sleep 1002.)yaml" + m + R"yaml( &
      sleep 1003.)yaml" + m + R"yaml(
  leaves-one-behind:
    run: |
      sleep 1004.)yaml" + m + R"yaml( &
      echo "done, with a sleep left running"
)yaml");
  auto start = std::chrono::steady_clock::now();
  auto r = run_wf_local({"run", "wf.yaml", "--keep-going", "-j", "4"}, dir.path(), {}, 30);
  double took = seconds_since(start);
  auto survivors = wait_until_no_marker(m, 2.0);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(took < 4.0);
  CHECK(survivors.empty());
  auto runs = run_dirs(dir.path() + "/.wf");
  REQUIRE(runs.size() == 1);
  json report = parse_or_discarded(read_file(runs[0] + "/report.json"));
  CHECK(step_of(report, "waits")["attempts"][0]["class"] == "timeout");
  CHECK(step_of(report, "foreground")["attempts"][0]["class"] == "timeout");
  CHECK(step_of(report, "leaves-one-behind")["outcome"] == "success");
}

TEST_CASE("run: a second SIGINT also stops the always() steps started after the first", "[e2e][run][signals]") {
  TempDir dir;
  std::string m = unique_marker();
  MarkerSweeper sweep(m);
  dir.write("wf.yaml", R"yaml(name: twice
steps:
  long:
    run: |
      sleep 1001.)yaml" + m + R"yaml( &
      : > long.started
      wait
  slow-cleanup:
    needs: [long]
    if: always()
    run: |
      sleep 1002.)yaml" + m + R"yaml( &
      : > cleanup.started
      wait
)yaml");
  Background::Options opts;
  opts.cwd = dir.path();
  auto wf = start_wf({"run", "wf.yaml"}, opts);
  REQUIRE(wait_for_file(dir.path() + "/long.started", 10));
  wf->signal(SIGINT);
  bool cleanup_started = wait_for_file(dir.path() + "/cleanup.started", 10);
  INFO(wf->out() << wf->err());
  REQUIRE(cleanup_started);
  CHECK(wf->running());  // the always() step is not stopped by the first SIGINT
  auto second = std::chrono::steady_clock::now();
  wf->signal(SIGINT);
  Ended e = wait_ended(*wf, dir, m, second);
  INFO(e.all());
  CHECK(e.exit_code == 130);
  CHECK(e.seconds_after_signal < 5.0);
  CHECK(e.survivors.empty());
  CHECK_THAT(e.err, Contains("interrupted again"));
  CHECK(step_of(e.report, "long")["outcome"] == "cancelled");
  CHECK(step_of(e.report, "slow-cleanup")["outcome"] == "cancelled");
  REQUIRE_FALSE(e.journal.empty());
  CHECK(e.journal.back().value("event", "") == "run_finished");
}

TEST_CASE("run: SIGINT while a step waits to be retried ends the wait at once", "[e2e][run][signals][retry]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: backoff
steps:
  fails:
    retry: { limit: 3, backoff: { delay: 30s, factor: 1 } }
    run: |
      touch failed.once
      exit 1
)yaml");
  Background::Options opts;
  opts.cwd = dir.path();
  auto wf = start_wf({"run", "wf.yaml"}, opts);
  REQUIRE(wait_for_file(dir.path() + "/failed.once", 10));
  // Full jitter may pick a short wait: make sure we are in the wait, not in a second attempt.
  bool waiting = wf->wait_for_out("retrying in", 5);
  INFO(wf->out() << wf->err());
  REQUIRE(waiting);
  auto signalled = std::chrono::steady_clock::now();
  wf->signal(SIGINT);
  Ended e = wait_ended(*wf, dir, "no-marker-here-" + unique_marker(), signalled);
  INFO(e.all());
  CHECK(e.exit_code == 130);
  CHECK(e.seconds_after_signal < 2.0);
  json fails = step_of(e.report, "fails");
  CHECK(fails["outcome"] == "cancelled");
  REQUIRE_FALSE(e.journal.empty());
  CHECK(e.journal.back().value("event", "") == "run_finished");
}

TEST_CASE("run: a daemon that leaves the step's process group (setsid) does not outlive wf",
          "[e2e][run][signals][setsid]") {
  // DESIGN §1: "No process outlives wf." wf is the subreaper of its steps, so
  // an escaped daemon is re-parented to it when the script ends.
  TempDir dir;
  std::string m = unique_marker();
  MarkerSweeper sweep(m);
  dir.write("wf.yaml", R"yaml(name: daemon
steps:
  starts-daemon:
    run: |
      setsid sleep 1001.)yaml" + m + R"yaml( > /dev/null 2>&1 < /dev/null &
      sleep 0.3  # setsid has run: the daemon is out of the step's group
      echo "daemon started"
)yaml");
  auto r = run_wf_local({"run", "wf.yaml"}, dir.path(), {}, 30);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  auto survivors = wait_until_no_marker(m, 2.0);
  CHECK(survivors.empty());
}

TEST_CASE("run: the first SIGINT leaves an always() step that is already running be", "[e2e][run][signals]") {
  TempDir dir;
  std::string m = unique_marker();
  MarkerSweeper sweep(m);
  dir.write("wf.yaml", R"yaml(name: keep-cleanup
steps:
  long:
    run: |
      sleep 1001.)yaml" + m + R"yaml( &
      : > long.started
      wait
  watcher:
    if: always()
    run: |
      : > watcher.started
      for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; done
      : > watcher.finished
)yaml");
  Background::Options opts;
  opts.cwd = dir.path();
  auto wf = start_wf({"run", "wf.yaml"}, opts);
  REQUIRE(wait_for_file(dir.path() + "/long.started", 10));
  REQUIRE(wait_for_file(dir.path() + "/watcher.started", 10));
  auto first = std::chrono::steady_clock::now();
  wf->signal(SIGINT);
  Ended e = wait_ended(*wf, dir, m, first);
  INFO(e.all());
  CHECK(e.exit_code == 130);
  CHECK(e.survivors.empty());
  CHECK(step_of(e.report, "long")["outcome"] == "cancelled");
  CHECK(step_of(e.report, "watcher")["outcome"] == "success");
  CHECK(std::filesystem::exists(dir.path() + "/watcher.finished"));
}
