#include "runner/graph/plan.h"

#include <algorithm>

#include "runner/core/strings.h"
#include "runner/graph/dag.h"

namespace wf::graph {

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kSuccess: return "success";
    case Outcome::kFailure: return "failure";
    case Outcome::kSkipped: return "skipped";
    case Outcome::kCancelled: return "cancelled";
  }
  return "?";
}

Plan::Plan(std::vector<PlanStep> steps, bool keep_going)
    : steps_(std::move(steps)),
      keep_going_(keep_going),
      state_(steps_.size(), State::kPending),
      outcome_(steps_.size(), Outcome::kSuccess),
      unfinished_needs_(steps_.size(), 0),
      dependents_(steps_.size()) {
  for (size_t i = 0; i < steps_.size(); ++i) {
    unfinished_needs_[i] = steps_[i].needs.size();
    for (size_t n : steps_[i].needs) dependents_[n].push_back(i);
    if (steps_[i].needs.empty()) ready_.insert(i);
  }
}

Plan Plan::of(const model::Workflow& wf, bool keep_going, const std::vector<std::string>& only) {
  auto needs = need_indexes(wf);
  std::set<size_t> keep;
  for (const auto& id : only) {
    for (size_t i = 0; i < wf.steps.size(); ++i) {
      if (wf.steps[i].id != id) continue;
      keep.insert(i);
      auto before = transitive_needs(wf, i);
      keep.insert(before.begin(), before.end());
    }
  }
  std::vector<PlanStep> steps;
  for (size_t i = 0; i < wf.steps.size(); ++i) {
    const model::Step& s = wf.steps[i];
    PlanStep p;
    p.id = s.id;
    p.needs = needs[i];
    p.has_if = s.if_.has_value();
    p.status_function = s.if_ && s.if_->uses_status_function();
    if (s.if_) p.if_text = core::trim(s.if_->text());
    if (s.calls) {
      // A workflow step ends with its file's steps, whatever they did.
      p.has_if = p.status_function = true;
    } else if (s.scope > 0 && s.scope < wf.scopes.size()) {
      // A called file's step runs only where its calling steps' if: held.
      p.has_if = true;
      for (size_t sc = s.scope; sc != 0; sc = wf.scopes[sc].parent) {
        const model::Step& call = wf.steps[wf.scopes[sc].call];
        if (!call.if_) continue;
        p.status_function = p.status_function || call.if_->uses_status_function();
        std::string gate = core::trim(call.if_->text()) + " (of step '" + call.id + "')";
        p.if_text = p.if_text.empty() ? gate : p.if_text + " and " + gate;
      }
    }
    p.continue_on_error = s.continue_on_error;
    p.selected = only.empty() || keep.count(i) > 0;
    steps.push_back(std::move(p));
  }
  return Plan(std::move(steps), keep_going);
}

bool Plan::ancestor_failed(size_t step) const {
  std::vector<size_t> todo = steps_[step].needs;
  std::vector<bool> seen(steps_.size(), false);
  while (!todo.empty()) {
    size_t n = todo.back();
    todo.pop_back();
    if (seen[n]) continue;
    seen[n] = true;
    if (state_[n] == State::kDone && outcome_[n] == Outcome::kFailure && !steps_[n].continue_on_error) return true;
    todo.insert(todo.end(), steps_[n].needs.begin(), steps_[n].needs.end());
  }
  return false;
}

std::optional<Settled> Plan::decide(size_t i, bool cancelled, const ConditionFn& cond, bool& run) const {
  const PlanStep& s = steps_[i];
  run = false;
  auto skip = [&](std::string reason) { return Settled{i, Outcome::kSkipped, std::move(reason)}; };
  if (!s.selected) return skip("not selected by --only");
  if (!s.status_function) {
    if (cancelled) return skip("the run was cancelled before it started");
    if (failed() && !keep_going_)
      return skip("not started: step '" + first_failure_ + "' failed (--keep-going runs independent steps)");
    for (size_t n : s.needs) {
      bool ok = outcome_[n] == Outcome::kSuccess || (outcome_[n] == Outcome::kFailure && steps_[n].continue_on_error);
      if (!ok) return skip("needs '" + steps_[n].id + "', which ended " + outcome_name(outcome_[n]));
    }
    if (!s.has_if) {
      run = true;
      return std::nullopt;
    }
  }
  JobStatus status = cancelled ? JobStatus::kCancelled : ancestor_failed(i) ? JobStatus::kFailure : JobStatus::kSuccess;
  Condition c = cond(i, status);
  if (!c.error.empty()) return Settled{i, Outcome::kFailure, c.error};
  if (!c.value) return skip("if: " + s.if_text + " is false");
  run = true;
  return std::nullopt;
}

Advance Plan::advance(size_t capacity, bool cancelled, const ConditionFn& cond) {
  Advance out;
  // Settling a step can make its dependents ready: go on until nothing moves.
  // Once there is no room left, only a cancel or a failure can still settle
  // ready steps; without either, the rest wait unexamined (so a run of many
  // ready steps costs each one decision, not one per wake-up).
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto it = ready_.begin(); it != ready_.end();) {
      bool full = out.start.size() >= capacity;
      if (full && !cancelled && !(failed() && !keep_going_)) break;
      size_t i = *it;
      bool run = false;
      auto settled = decide(i, cancelled, cond, run);
      if (settled) {
        it = ready_.erase(it);
        settle(*settled);
        out.settled.push_back(std::move(*settled));
        progress = true;
      } else if (full) {
        ++it;  // runs when there is room; decided again then
      } else {
        it = ready_.erase(it);
        state_[i] = State::kRunning;
        ++running_;
        out.start.push_back(i);
      }
    }
  }
  return out;
}

void Plan::note_outcome(size_t i, Outcome outcome) {
  state_[i] = State::kDone;
  outcome_[i] = outcome;
  ++done_count_;
  if (outcome == Outcome::kFailure && !steps_[i].continue_on_error && first_failure_.empty())
    first_failure_ = steps_[i].id;
  for (size_t d : dependents_[i])
    if (--unfinished_needs_[d] == 0) ready_.insert(d);
}

void Plan::settle(const Settled& s) { note_outcome(s.step, s.outcome); }

void Plan::finish(size_t step, Outcome outcome) {
  if (state_[step] == State::kRunning) --running_;
  note_outcome(step, outcome);
}

}  // namespace wf::graph
