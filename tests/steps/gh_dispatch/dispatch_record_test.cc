// gh-dispatch: the journalled intent (dispatch.json), shared by attempts and
// found again by a resumed run.

#include "steps/gh_dispatch/dispatch_record.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/command.h"

using namespace wf::steps::gh;
namespace fs = std::filesystem;

namespace {

DispatchRecord sample() {
  DispatchRecord r;
  r.correlation_id = new_correlation_id();
  r.fingerprint = "0123456789abcdef";
  r.state = DispatchRecord::State::kAccepted;
  r.attempt = 2;
  r.since = "2026-03-01T12:00:00Z";
  r.baseline_run_id = 7000000001LL;
  r.sent_at_ms = 1772366400123LL;
  r.run_id = 7000000002LL;
  r.run_url = "https://api.example.test/runs/7000000002";
  r.html_url = "https://github.example.test/runs/7000000002";
  return r;
}

// <tmp>/runs/<id>/steps/<step>, with a journal whose first line names the run it resumes.
std::string step_dir(const wf::test::TempDir& tmp, const std::string& run, const std::string& resumed_from = "") {
  tmp.write("runs/" + run + "/journal.jsonl",
            R"({"event":"run_started","run_id":")" + run + R"(","resumed_from":)" +
                (resumed_from.empty() ? std::string("null") : "\"" + resumed_from + "\"") + "}\n");
  std::string dir = tmp.path() + "/runs/" + run + "/steps/smoke";
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("record: saved and loaded whole", "[gh-dispatch]") {
  wf::test::TempDir tmp;
  RecordStore store(step_dir(tmp, "r1"));
  CHECK_FALSE(store.load());
  DispatchRecord r = sample();
  REQUIRE(store.save(r).empty());
  auto back = store.load();
  REQUIRE(back);
  CHECK(back->correlation_id == r.correlation_id);
  CHECK(back->fingerprint == r.fingerprint);
  CHECK(back->state == DispatchRecord::State::kAccepted);
  CHECK(back->attempt == 2);
  CHECK(back->since == r.since);
  CHECK(back->baseline_run_id == r.baseline_run_id);
  CHECK(back->sent_at_ms == r.sent_at_ms);
  CHECK(back->run_id == r.run_id);
  CHECK(back->html_url == r.html_url);
  CHECK_FALSE(fs::exists(store.path() + ".tmp"));
  CHECK(fs::path(store.path()).filename() == "dispatch.json");
}

TEST_CASE("record: a correlation id is new each time", "[gh-dispatch]") {
  CHECK(new_correlation_id().size() == 32);
  CHECK(new_correlation_id() != new_correlation_id());
}

TEST_CASE("record: a resumed run finds the record of the run it resumes, through a chain", "[gh-dispatch]") {
  wf::test::TempDir tmp;
  RecordStore first(step_dir(tmp, "r1"));
  REQUIRE(first.save(sample()).empty());
  step_dir(tmp, "r2", "r1");  // resumed r1, the step did not run there
  RecordStore third(step_dir(tmp, "r3", "r2"));
  auto found = third.load();
  REQUIRE(found);
  CHECK(found->run_id == 7000000002LL);
  // This run's own record wins once written.
  DispatchRecord mine = sample();
  mine.run_id = 7000000099LL;
  REQUIRE(third.save(mine).empty());
  CHECK(third.load()->run_id == 7000000099LL);
}

TEST_CASE("record: an unreadable record is ignored", "[gh-dispatch]") {
  wf::test::TempDir tmp;
  std::string dir = step_dir(tmp, "r1");
  tmp.write("runs/r1/steps/smoke/dispatch.json", "{not json");
  CHECK_FALSE(RecordStore(dir).load());
  tmp.write("runs/r1/steps/smoke/dispatch.json", R"({"version":1,"state":"bogus","fingerprint":"x"})");
  CHECK_FALSE(RecordStore(dir).load());
}
