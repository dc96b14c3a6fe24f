// gh-dispatch: telling which listed run a dispatch created — never "the latest run".

#include "steps/gh_dispatch/run_finder.h"

#include <catch2/catch.hpp>

#include "github_fakes.h"

using namespace wf::steps::gh;
using namespace wf::gh_test;
using std::chrono::seconds;

namespace {

DispatchRecord record(long long baseline) {
  DispatchRecord r;
  r.since = format_iso8601(epoch());
  r.baseline_run_id = baseline;
  return r;
}

WorkflowRun run(long long id, SystemTime created, std::string event = "workflow_dispatch",
                std::string branch = "main") {
  WorkflowRun r;
  r.id = id;
  r.event = std::move(event);
  r.head_branch = std::move(branch);
  r.created_at = format_iso8601(created);
  return r;
}

const Millis kWindow{180000};

}  // namespace

TEST_CASE("finder: the run newer than the baseline, on the ref, from workflow_dispatch", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(12, epoch() + seconds(2)), run(10, epoch() - seconds(60))};
  auto r = pick_dispatched_run(runs, record(10), "main", kWindow);
  REQUIRE(r);
  CHECK(r->id == 12);
}

TEST_CASE("finder: none when only runs from before the dispatch exist", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(10, epoch() - seconds(5)), run(9, epoch() - seconds(60))};
  CHECK_FALSE(pick_dispatched_run(runs, record(10), "main", kWindow));
}

TEST_CASE("finder: other events, other branches and older ids are never taken", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(20, epoch() + seconds(1), "push"),
                                run(21, epoch() + seconds(1), "workflow_dispatch", "dev"),
                                run(9, epoch() + seconds(1))};
  CHECK_FALSE(pick_dispatched_run(runs, record(10), "main", kWindow));
}

TEST_CASE("finder: a run created before the dispatch time is not taken, whatever its id", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(30, epoch() - seconds(1))};
  CHECK_FALSE(pick_dispatched_run(runs, record(10), "main", kWindow));
}

TEST_CASE("finder: a run created long after the dispatch is someone else's", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(30, epoch() + std::chrono::hours(2))};
  CHECK_FALSE(pick_dispatched_run(runs, record(10), "main", kWindow));
}

TEST_CASE("finder: of several candidates, the first created after the dispatch, counting the others", "[gh-dispatch]") {
  std::vector<WorkflowRun> runs{run(14, epoch() + seconds(3)), run(13, epoch() + seconds(2)),
                                run(12, epoch() + seconds(1))};
  int others = -1;
  auto r = pick_dispatched_run(runs, record(10), "main", kWindow, &others);
  REQUIRE(r);
  CHECK(r->id == 12);
  CHECK(others == 2);
}
