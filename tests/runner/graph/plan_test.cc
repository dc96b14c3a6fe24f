// graph::Plan: every scheduling decision as a table. Each case is a DAG, a
// script of what happens (steps ending, a cancel) and the decisions the plan
// must make, in order. Nothing runs.

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "runner/graph/plan.h"

using namespace wf::graph;

namespace {

enum class If { kNone, kTrue, kFalse, kError, kSuccess, kFailure, kAlways, kCancelled };

struct S {
  std::string id;
  std::vector<std::string> needs;
  If cond = If::kNone;
  bool continue_on_error = false;
  bool selected = true;
};

struct Case {
  const char* name;
  std::vector<S> steps;
  std::vector<std::string> script;  // "a ok", "a fail", "a cancelled", "cancel", "b skipped"
  std::string expected;             // decisions, "; "-separated
  size_t capacity = 8;
  bool keep_going = false;
};

const char* text_of(If c) {
  switch (c) {
    case If::kTrue: return "true";
    case If::kFalse: return "inputs.go";
    case If::kError: return "fromJSON('x')";
    case If::kSuccess: return "success()";
    case If::kFailure: return "failure()";
    case If::kAlways: return "always()";
    case If::kCancelled: return "cancelled()";
    default: return "";
  }
}

std::string play(const Case& c, std::vector<std::string>* calls = nullptr) {
  std::map<std::string, size_t> index;
  std::vector<PlanStep> steps;
  for (size_t i = 0; i < c.steps.size(); ++i) index[c.steps[i].id] = i;
  for (const auto& s : c.steps) {
    PlanStep p;
    p.id = s.id;
    for (const auto& n : s.needs) p.needs.push_back(index.at(n));
    p.has_if = s.cond != If::kNone;
    p.status_function = s.cond == If::kSuccess || s.cond == If::kFailure || s.cond == If::kAlways || s.cond == If::kCancelled;
    p.if_text = text_of(s.cond);
    p.continue_on_error = s.continue_on_error;
    p.selected = s.selected;
    steps.push_back(p);
  }
  Plan plan(steps, c.keep_going);
  bool cancelled = false;
  auto cond = [&](size_t i, JobStatus st) -> Condition {
    if (calls) calls->push_back(c.steps[i].id);
    switch (c.steps[i].cond) {
      case If::kTrue: return {true, ""};
      case If::kFalse: return {false, ""};
      case If::kError: return {false, "w.yaml:3:9: if: invalid JSON"};
      case If::kSuccess: return {st == JobStatus::kSuccess, ""};
      case If::kFailure: return {st == JobStatus::kFailure, ""};
      case If::kAlways: return {true, ""};
      case If::kCancelled: return {st == JobStatus::kCancelled, ""};
      default: return {true, ""};
    }
  };
  std::vector<std::string> log;
  size_t next = 0;
  for (int guard = 0; guard < 100; ++guard) {
    Advance adv = plan.advance(c.capacity - plan.running(), cancelled, cond);
    for (const auto& st : adv.settled)
      log.push_back(std::string(st.outcome == Outcome::kFailure ? "fail " : "skip ") + c.steps[st.step].id + " (" +
                    st.reason + ")");
    for (size_t i : adv.start) log.push_back("start " + c.steps[i].id);
    if (plan.done() || next == c.script.size()) break;
    std::istringstream in(c.script[next++]);
    std::string who, what;
    in >> who >> what;
    if (who == "cancel") {
      cancelled = true;
      continue;
    }
    Outcome o = what == "ok" ? Outcome::kSuccess : what == "fail" ? Outcome::kFailure
              : what == "skipped" ? Outcome::kSkipped : Outcome::kCancelled;
    plan.finish(index.at(who), o);
  }
  if (!plan.done()) log.push_back("not done");
  if (plan.failed()) log.push_back("run failed at " + plan.first_failure());
  std::string out;
  for (const auto& l : log) out += (out.empty() ? "" : "; ") + l;
  return out;
}

const std::string kFailFast = "not started: step 'a' failed (--keep-going runs independent steps)";

const std::vector<Case>& cases() {
  static const std::vector<Case> k = {
      {"one step starts", {{"a"}}, {"a ok"}, "start a"},
      {"a chain runs in order", {{"a"}, {"b", {"a"}}, {"c", {"b"}}}, {"a ok", "b ok", "c ok"},
       "start a; start b; start c"},
      {"independent steps start together, in file order", {{"b"}, {"a"}, {"c"}}, {"b ok", "a ok", "c ok"},
       "start b; start a; start c"},
      {"a failure skips its dependent", {{"a"}, {"b", {"a"}}}, {"a fail"},
       "start a; skip b (" + kFailFast + "); run failed at a"},
      {"a failure skips its transitive dependents", {{"a"}, {"b", {"a"}}, {"c", {"b"}}}, {"a fail"},
       "start a; skip b (" + kFailFast + "); skip c (" + kFailFast + "); run failed at a"},
      {"fail-fast: a step not started is skipped after a failure", {{"a"}, {"b"}, {"c", {"b"}}}, {"a fail", "b ok"},
       "start a; start b; skip c (not started: step 'a' failed (--keep-going runs independent steps)); run failed at a"},
      {"keep-going: independent steps still run", {{"a"}, {"b"}, {"c", {"b"}}}, {"a fail", "b ok", "c ok"},
       "start a; start b; start c; run failed at a", 8, true},
      {"keep-going: dependents of a failure are still skipped", {{"a"}, {"b", {"a"}}, {"c"}}, {"a fail", "c ok"},
       "start a; start c; skip b (needs 'a', which ended failure); run failed at a", 8, true},
      {"continue-on-error: dependents run and the run succeeds", {{"a", {}, If::kNone, true}, {"b", {"a"}}},
       {"a fail", "b ok"}, "start a; start b"},
      {"always() runs after a failed need", {{"a"}, {"b", {"a"}, If::kAlways}}, {"a fail", "b ok"},
       "start a; start b; run failed at a"},
      {"always() runs after a cancel", {{"a"}, {"b", {"a"}, If::kAlways}}, {"cancel", "a cancelled", "b ok"},
       "start a; start b"},
      {"failure() runs when a need failed", {{"a"}, {"b", {"a"}, If::kFailure}}, {"a fail", "b ok"},
       "start a; start b; run failed at a"},
      {"failure() is skipped when every need succeeded", {{"a"}, {"b", {"a"}, If::kFailure}}, {"a ok"},
       "start a; skip b (if: failure() is false)"},
      {"failure() sees a failure two levels up", {{"a"}, {"b", {"a"}, If::kAlways}, {"c", {"b"}, If::kFailure}},
       {"a fail", "b ok", "c ok"}, "start a; start b; start c; run failed at a"},
      {"failure() ignores a continue-on-error failure", {{"a", {}, If::kNone, true}, {"b", {"a"}, If::kFailure}},
       {"a fail"}, "start a; skip b (if: failure() is false)"},
      {"an explicit success() is false after a failed need", {{"a"}, {"b", {"a"}, If::kSuccess}}, {"a fail"},
       "start a; skip b (if: success() is false); run failed at a"},
      {"cancelled() runs only once the run is cancelled", {{"a"}, {"b", {"a"}, If::kCancelled}}, {"a ok"},
       "start a; skip b (if: cancelled() is false)"},
      {"cancelled() after a cancel runs", {{"a"}, {"b", {"a"}, If::kCancelled}}, {"cancel", "a cancelled", "b ok"},
       "start a; start b"},
      {"an if: that is false skips the step, and its dependents", {{"a", {}, If::kFalse}, {"b", {"a"}}}, {},
       "skip a (if: inputs.go is false); skip b (needs 'a', which ended skipped)"},
      {"an if: that is true runs", {{"a", {}, If::kTrue}}, {"a ok"}, "start a"},
      {"an if: error fails the step without running it, and fails the run",
       {{"b"}, {"a", {}, If::kError}, {"c", {"b"}}}, {"b ok"},
       "fail a (w.yaml:3:9: if: invalid JSON); start b; skip c (not started: step 'a' failed (--keep-going runs "
       "independent steps)); run failed at a"},
      {"capacity 1: the second ready step waits for the first", {{"a"}, {"b"}}, {"a ok", "b ok"},
       "start a; start b", 1},
      {"capacity 2: two of three start", {{"a"}, {"b"}, {"c"}}, {"a ok", "b ok", "c ok"},
       "start a; start b; start c", 2},
      {"a failure while a step waits for room skips it", {{"a"}, {"b"}}, {"a fail"},
       "start a; skip b (not started: step 'a' failed (--keep-going runs independent steps)); run failed at a", 1},
      {"skipping cascades in one decision", {{"a", {}, If::kFalse}, {"b", {"a"}}, {"c", {"b"}}, {"d", {"c"}}}, {},
       "skip a (if: inputs.go is false); skip b (needs 'a', which ended skipped); skip c (needs 'b', which ended "
       "skipped); skip d (needs 'c', which ended skipped)"},
      {"--only: a step left out is skipped", {{"a"}, {"b", {}, If::kNone, false, false}}, {"a ok"},
       "skip b (not selected by --only); start a"},
      {"a cancel skips the steps not started", {{"a"}, {"b", {"a"}}, {"c"}}, {"cancel", "a cancelled", "c cancelled"},
       "start a; start c; skip b (the run was cancelled before it started)"},
      {"a cancel skips a step waiting for room", {{"a"}, {"b"}}, {"cancel", "a cancelled"},
       "start a; skip b (the run was cancelled before it started)", 1},
      {"a cancelled need skips its dependent", {{"a"}, {"b", {"a"}}}, {"a cancelled"},
       "start a; skip b (needs 'a', which ended cancelled)"},
      {"always() runs after a skipped need", {{"a", {}, If::kFalse}, {"b", {"a"}, If::kAlways}}, {"b ok"},
       "skip a (if: inputs.go is false); start b"},
      {"a diamond waits for both sides", {{"a"}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}},
       {"a ok", "b ok", "c ok", "d ok"}, "start a; start b; start c; start d"},
      {"steps already running finish after a failure", {{"a"}, {"b"}, {"c", {"b"}, If::kAlways}},
       {"a fail", "b ok", "c ok"}, "start a; start b; start c; run failed at a"},
      {"a step's dependents wait while it runs", {{"a"}, {"b", {"a"}}}, {}, "start a; not done"},
      {"a continue-on-error failure does not stop independent steps", {{"a", {}, If::kNone, true}, {"b"}},
       {"a fail", "b ok"}, "start a; start b", 1},
      {"cancelled status wins over failure for success()", {{"a"}, {"b", {"a"}, If::kSuccess}},
       {"cancel", "a fail"}, "start a; skip b (if: success() is false); run failed at a"},
      {"a needs-failure skip does not fail the run", {{"a"}, {"b", {"a"}}}, {"a skipped"},
       "start a; skip b (needs 'a', which ended skipped)"},
  };
  return k;
}

}  // namespace

TEST_CASE("plan: every decision of the table", "[graph][plan]") {
  REQUIRE(cases().size() >= 30);
  for (const auto& c : cases()) {
    INFO(c.name);
    CHECK(play(c) == c.expected);
  }
}

TEST_CASE("plan: an if: without a status function is not evaluated when a need failed", "[graph][plan]") {
  Case c{"", {{"a"}, {"b", {"a"}, If::kTrue}}, {"a fail"}, ""};
  std::vector<std::string> calls;
  play(c, &calls);
  CHECK(calls.empty());
}

TEST_CASE("plan: ready steps past the capacity are not examined again and again", "[graph][plan]") {
  // Each start decides a step once: with 1,000 ready steps and room for one,
  // the conditions are evaluated 1,000 times in all, not once per wake-up.
  Case c{"", {}, {}, "", 1};
  for (int i = 0; i < 1000; ++i) {
    c.steps.push_back({"s" + std::to_string(i), {}, If::kTrue});
    c.script.push_back("s" + std::to_string(i) + " ok");
  }
  std::vector<std::string> calls;
  play(c, &calls);
  CHECK(calls.size() <= 2000);
}

TEST_CASE("plan: of() takes needs, conditions and --only from the workflow", "[graph][plan]") {
  wf::model::Workflow wf;
  wf.steps.resize(3);
  wf.steps[0].id = "a";
  wf.steps[1].id = "b";
  wf.steps[1].needs = {{"a", {}}};
  wf.steps[2].id = "c";
  wf.steps[2].continue_on_error = true;
  Plan p = Plan::of(wf, false, {"b"});
  CHECK(p.step(1).needs == std::vector<size_t>{0});
  CHECK(p.step(0).selected);
  CHECK(p.step(1).selected);
  CHECK_FALSE(p.step(2).selected);
  CHECK(p.step(2).continue_on_error);
}
