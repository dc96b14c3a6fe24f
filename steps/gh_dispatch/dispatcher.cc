#include "steps/gh_dispatch/dispatcher.h"

#include <algorithm>

#include "runner/core/duration.h"
#include "steps/gh_dispatch/run_finder.h"

namespace wf::steps::gh {

using core::FailureClass;
using step_api::StepResult;
using Failure = core::Unexpected<StepResult>;

namespace {

constexpr int kBaselinePage = 10;
constexpr int kSearchPage = 100;

std::string fmt(Millis d) { return core::format_duration(d); }

SystemTime from_ms(long long ms) { return SystemTime(std::chrono::milliseconds(ms)); }

long long to_ms(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Failure fail(FailureClass c, std::string summary, std::optional<Millis> retry_after = std::nullopt) {
  StepResult r = StepResult::failure(c, std::move(summary));
  r.retry_after = retry_after;
  return core::unexpected(std::move(r));
}

Failure fail(const ApiError& e, const std::string& what) {
  return fail(e.failure_class, what + ": " + e.message, e.wait);
}

std::string what(const Session& s) { return s.params.workflow + " on " + s.params.repo() + "@" + s.params.ref; }

void adopt(DispatchRecord& rec, const WorkflowRun& run) {
  rec.state = DispatchRecord::State::kAccepted;
  rec.run_id = run.id;
  if (!run.url.empty()) rec.run_url = run.url;
  if (!run.html_url.empty()) rec.html_url = run.html_url;
}

void save(Session& s, const DispatchRecord& rec) {
  std::string err = s.store.save(rec);
  if (!err.empty())
    s.log("warning: " + err + " (a retry may not know about run " + std::to_string(rec.run_id.value_or(0)) + ")");
}

bool failed_run(const WorkflowRun& run) { return run.status == "completed" && run.conclusion != "success"; }

bool rejects_run_details(const ApiError& e) {
  return (e.status == 400 || e.status == 422) && e.message.find("return_run_details") != std::string::npos;
}

// The step was stopped while a dispatch of unknown outcome was pending: one
// listing, without the step's (cancelled) token, to cancel the run it may
// have created.
StepResult abort_unknown(Session& s, DispatchRecord& rec) {
  std::string summary = "cancelled while dispatching " + what(s);
  if (!s.params.cancel_on_abort) return StepResult::failure(FailureClass::kCancelled, summary);
  auto list = s.api.list_dispatch_runs(s.params, rec.since, kSearchPage, true);
  std::optional<WorkflowRun> run;
  if (list) run = pick_dispatched_run(list->runs, rec, s.params.branch, s.timing().find_window * 2);
  if (!run) {
    s.log("cancelled: no run of dispatch " + rec.correlation_id + " is listed yet; nothing to cancel");
    return StepResult::failure(FailureClass::kCancelled, summary);
  }
  auto c = s.api.cancel_run(s.params, run->id);
  if (c && *c) {
    adopt(rec, *run);
    rec.state = DispatchRecord::State::kCancelRequested;
    save(s, rec);
    s.log("cancelled: asked GitHub to cancel run " + std::to_string(run->id) + " " + run->html_url);
    summary += "; run " + std::to_string(run->id) + " cancelled too";
  } else if (!c) {
    s.log("could not cancel run " + std::to_string(run->id) + ": " + c.error().message);
  }
  return StepResult::failure(FailureClass::kCancelled, summary);
}

// A record of an earlier attempt or run for this same dispatch. The record
// to follow, or nullopt when a new dispatch is needed.
core::Expected<std::optional<DispatchRecord>, StepResult> reconcile(Session& s, DispatchRecord rec) {
  using State = DispatchRecord::State;
  std::string earlier = "an earlier dispatch (correlation id " + rec.correlation_id + ")";
  if (rec.state == State::kRejected) {
    s.log(earlier + " created no run: dispatching");
    return std::optional<DispatchRecord>();
  }
  if (rec.state == State::kCancelRequested) {
    s.log(earlier + " created run " + std::to_string(rec.run_id.value_or(0)) +
          ", which wf cancelled: dispatching again");
    return std::optional<DispatchRecord>();
  }
  if (rec.run_id) {
    auto poll = s.api.get_run(s.params, *rec.run_id, "");
    if (!poll) {
      if (poll.error().status == 404) {
        s.log(earlier + " created run " + std::to_string(*rec.run_id) + ", which no longer exists: dispatching again");
        return std::optional<DispatchRecord>();
      }
      if (poll.error().failure_class == FailureClass::kCancelled) return fail(FailureClass::kCancelled, "cancelled");
      return fail(poll.error(), "cannot check run " + std::to_string(*rec.run_id) + " of " + earlier);
    }
    if (failed_run(poll->run)) {
      s.log(earlier + " created run " + std::to_string(*rec.run_id) + ", which ended " + poll->run.conclusion +
            ": dispatching again");
      return std::optional<DispatchRecord>();
    }
    adopt(rec, poll->run);
    save(s, rec);
    s.log("following run " + std::to_string(*rec.run_id) + " of " + earlier +
          " instead of dispatching again: " + rec.html_url);
    return std::optional<DispatchRecord>(rec);
  }
  s.log(earlier +
        (rec.state == State::kAccepted ? " was accepted but its run is not known" : " has no answer on record") +
        ": looking for the run it may have created");
  auto found = find_dispatched_run(s, rec);
  if (!found) return core::unexpected(found.error());
  if (!*found) {
    s.log("no run of " + earlier + " appeared within " + fmt(s.timing().find_window) + ": it created none; dispatching");
    return std::optional<DispatchRecord>();
  }
  const WorkflowRun& run = **found;
  if (failed_run(run)) {
    s.log(earlier + " created run " + std::to_string(run.id) + ", which ended " + run.conclusion +
          ": dispatching again");
    return std::optional<DispatchRecord>();
  }
  adopt(rec, run);
  save(s, rec);
  s.log("found run " + std::to_string(run.id) + " of " + earlier +
        ": following it instead of dispatching again: " + rec.html_url);
  return std::optional<DispatchRecord>(rec);
}

// find_dispatched_run, cancelling a run the dispatch may have created when
// the step is stopped meanwhile.
core::Expected<std::optional<WorkflowRun>, StepResult> search(Session& s, DispatchRecord& rec) {
  auto found = find_dispatched_run(s, rec);
  if (!found && found.error().failure_class == FailureClass::kCancelled) return core::unexpected(abort_unknown(s, rec));
  return found;
}

// GitHub accepted the dispatch: a 200 names the run, a 204 does not.
core::Expected<DispatchRecord, StepResult> accepted(Session& s, DispatchRecord& rec, const DispatchAnswer& answer) {
  rec.state = DispatchRecord::State::kAccepted;
  if (answer.run_id) {
    rec.run_id = answer.run_id;
    rec.run_url = answer.run_url;
    rec.html_url = answer.html_url;
    save(s, rec);
    s.log("dispatched run " + std::to_string(*rec.run_id) + ": " + rec.html_url);
    return rec;
  }
  save(s, rec);
  s.log("dispatched; GitHub did not name the run (HTTP 204): looking for it");
  auto found = search(s, rec);
  if (!found) return core::unexpected(found.error());
  if (!*found)
    return fail(FailureClass::kPermanent, "GitHub accepted the dispatch of " + what(s) +
                                              " but no workflow_dispatch run of it appeared within " +
                                              fmt(s.timing().find_window));
  adopt(rec, **found);
  save(s, rec);
  s.log("found run " + std::to_string(*rec.run_id) + ": " + rec.html_url);
  return rec;
}

// The dispatch failed: refused (nothing created), or its answer was lost
// (a run may exist: look for it; never send again here).
core::Expected<DispatchRecord, StepResult> not_accepted(Session& s, DispatchRecord& rec, const ApiError& e) {
  if (!e.maybe_acted) {
    rec.state = DispatchRecord::State::kRejected;
    save(s, rec);
    if (e.failure_class == FailureClass::kCancelled)
      return fail(FailureClass::kCancelled, "cancelled before dispatching " + what(s));
    return fail(e, "dispatch of " + what(s) + " refused");
  }
  if (e.failure_class == FailureClass::kCancelled) return core::unexpected(abort_unknown(s, rec));
  s.log("the dispatch's answer was lost (" + e.message + "): looking for the run it may have created before " +
        "sending anything again");
  auto found = search(s, rec);
  if (!found) return core::unexpected(found.error());
  if (!*found)
    // No run: the request never took effect. Sending it again is a retry,
    // which is the executor's to decide; the next attempt looks once more first.
    return fail(FailureClass::kTransient, "dispatch of " + what(s) + " failed (" + e.message +
                                              ") and no run of it appeared within " + fmt(s.timing().find_window) +
                                              "; a retry dispatches again");
  adopt(rec, **found);
  save(s, rec);
  s.log("found run " + std::to_string(*rec.run_id) + ": the dispatch had gone through: " + rec.html_url);
  return rec;
}

core::Expected<DispatchRecord, StepResult> dispatch_new(Session& s) {
  auto baseline = s.api.list_dispatch_runs(s.params, "", kBaselinePage);
  if (!baseline) {
    if (baseline.error().failure_class == FailureClass::kCancelled) return fail(FailureClass::kCancelled, "cancelled");
    return fail(baseline.error(), "cannot list the runs of " + what(s) + " (nothing dispatched)");
  }
  DispatchRecord rec;
  rec.correlation_id = new_correlation_id();
  rec.fingerprint = s.params.fingerprint();
  rec.state = DispatchRecord::State::kIntent;
  rec.attempt = s.attempt;
  // GitHub's clock decides which runs are newer; ours only when it gave no Date.
  rec.since = format_iso8601(baseline->server_time ? *baseline->server_time : s.clock.wall_now() - std::chrono::minutes(1));
  for (const auto& r : baseline->runs) rec.baseline_run_id = std::max(rec.baseline_run_id, r.id);
  rec.sent_at_ms = to_ms(s.clock.wall_now());
  if (std::string err = s.store.save(rec); !err.empty())
    return fail(FailureClass::kPermanent, "cannot record the dispatch before sending it, so nothing was sent: " + err);

  s.log("dispatching " + what(s) + " with inputs " + s.params.inputs_json() + " (correlation id " + rec.correlation_id +
        ")");
  auto answer = s.api.dispatch(s.params, true);
  if (!answer && rejects_run_details(answer.error())) {
    s.log("this GitHub does not know return_run_details (" + answer.error().message + "): dispatching without it");
    answer = s.api.dispatch(s.params, false);
  }
  return answer ? accepted(s, rec, *answer) : not_accepted(s, rec, answer.error());
}

}  // namespace

core::Expected<std::optional<WorkflowRun>, StepResult> find_dispatched_run(Session& s, const DispatchRecord& rec) {
  const SystemTime deadline = from_ms(rec.sent_at_ms) + s.timing().find_window;
  const SystemTime give_up = deadline + s.timing().find_window;
  const Millis window = s.timing().find_window * 2;  // GitHub's clock against ours: some slack
  for (;;) {
    bool last_look = s.clock.wall_now() >= deadline;
    Millis pause = std::min(s.params.poll_interval, s.timing().find_interval);
    auto list = s.api.list_dispatch_runs(s.params, rec.since, kSearchPage);
    if (list) {
      int others = 0;
      if (auto run = pick_dispatched_run(list->runs, rec, s.params.branch, window, &others)) {
        if (others > 0)
          s.log("warning: " + std::to_string(others + 1) + " runs of " + what(s) +
                " were created right after this dispatch (another dispatch at the same time?): taking the first, " +
                std::to_string(run->id));
        return std::optional<WorkflowRun>(*run);
      }
      if (last_look) return std::optional<WorkflowRun>();
    } else {
      const ApiError& e = list.error();
      if (e.failure_class == FailureClass::kCancelled) return fail(FailureClass::kCancelled, "cancelled");
      if (e.failure_class == FailureClass::kPermanent)
        return fail(e, "cannot look for the run of dispatch " + rec.correlation_id);
      SystemTime now = s.clock.wall_now();
      if (now >= give_up || (e.wait && now + *e.wait > give_up))
        return fail(e, "cannot tell whether dispatch " + rec.correlation_id + " created a run");
      if (e.wait) pause = std::max(pause, *e.wait);
      s.log("looking for the run failed (" + e.message + "); again in " + fmt(pause));
    }
    SystemTime now = s.clock.wall_now();
    if (!last_look && now + pause > deadline)
      pause = std::max(Millis(1), std::chrono::duration_cast<Millis>(deadline - now));
    if (!s.sleep_for(pause)) return fail(FailureClass::kCancelled, "cancelled");
  }
}

core::Expected<DispatchRecord, StepResult> ensure_dispatched(Session& s) {
  if (auto prev = s.store.load(); prev && prev->fingerprint == s.params.fingerprint()) {
    auto r = reconcile(s, *prev);
    if (!r) {
      if (r.error().failure_class == FailureClass::kCancelled && !prev->run_id)
        return core::unexpected(abort_unknown(s, *prev));
      return core::unexpected(r.error());
    }
    if (*r) return **r;
  }
  return dispatch_new(s);
}

}  // namespace wf::steps::gh
