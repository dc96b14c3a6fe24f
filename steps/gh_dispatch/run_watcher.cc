#include "steps/gh_dispatch/run_watcher.h"

#include <algorithm>

#include "runner/core/duration.h"

namespace wf::steps::gh {

using core::FailureClass;
using step_api::StepResult;

namespace {

std::string fmt(Millis d) { return core::format_duration(d); }

std::string run_name(const DispatchRecord& r) { return "run " + std::to_string(r.run_id.value_or(0)); }

// Stops the run (when asked to) because wf stopped this step: `cls` is
// kCancelled (Ctrl-C, the step's timeout) or kTimeout (the run's timeout).
StepResult stop(Session& s, DispatchRecord& rec, FailureClass cls, std::string summary) {
  if (s.params.cancel_on_abort) {
    auto c = s.api.cancel_run(s.params, *rec.run_id);
    if (c && *c) {
      rec.state = DispatchRecord::State::kCancelRequested;
      if (std::string err = s.store.save(rec); !err.empty()) s.log("warning: " + err);
      s.log("asked GitHub to cancel " + run_name(rec) + ": " + rec.html_url);
      summary += "; " + run_name(rec) + " cancelled too";
    } else if (c) {
      s.log(run_name(rec) + " had already completed: nothing to cancel");
    } else {
      s.log("could not cancel " + run_name(rec) + ": " + c.error().message);
      summary += "; cancelling " + run_name(rec) + " failed";
    }
  } else {
    summary += "; " + run_name(rec) + " left running (cancel-on-abort: false)";
  }
  StepResult r = StepResult::failure(cls, summary);
  describe_run(r, rec, "");
  return r;
}

}  // namespace

core::FailureClass conclusion_class(const std::string& conclusion) {
  if (conclusion == "failure" || conclusion == "timed_out" || conclusion == "startup_failure")
    return FailureClass::kTransient;
  return FailureClass::kPermanent;
}

void describe_run(StepResult& result, const DispatchRecord& rec, const std::string& conclusion) {
  result.outputs = {{"run-id", std::to_string(rec.run_id.value_or(0))},
                    {"run-url", rec.run_url},
                    {"html-url", rec.html_url},
                    {"conclusion", conclusion}};
  if (!rec.html_url.empty()) result.links = {{"GitHub run", rec.html_url}};
}

StepResult watch_run(Session& s, DispatchRecord& rec) {
  const long long id = *rec.run_id;
  std::optional<SystemTime> deadline;
  if (s.params.timeout) deadline = SystemTime(Millis(rec.sent_at_ms)) + *s.params.timeout;
  std::string etag, status;
  int failures = 0;
  for (;;) {
    Millis pause = s.params.poll_interval;
    auto poll = s.api.get_run(s.params, id, etag);
    if (poll) {
      failures = 0;
      if (!poll->not_modified) {
        etag = poll->etag;
        const WorkflowRun& run = poll->run;
        if (!run.html_url.empty()) rec.html_url = run.html_url;
        if (!run.url.empty()) rec.run_url = run.url;
        if (run.status != status) {
          status = run.status;
          s.log(run_name(rec) + ": " + status + (run.status == "completed" ? " (" + run.conclusion + ")" : ""));
        }
        if (run.status == "completed") {
          StepResult r =
              run.conclusion == "success"
                  ? StepResult::success(run_name(rec) + " succeeded: " + rec.html_url)
                  : StepResult::failure(conclusion_class(run.conclusion),
                                        run_name(rec) + " concluded " +
                                            (run.conclusion.empty() ? "without a conclusion" : run.conclusion) + ": " +
                                            rec.html_url);
          describe_run(r, rec, run.conclusion);
          return r;
        }
      }
      if (poll->quota_wait && *poll->quota_wait > pause) {
        pause = *poll->quota_wait;
        s.log("the API quota is used up: next poll in " + fmt(pause));
      }
    } else {
      const ApiError& e = poll.error();
      if (e.failure_class == FailureClass::kCancelled) return stop(s, rec, FailureClass::kCancelled, "cancelled");
      if (e.failure_class == FailureClass::kPermanent) {
        StepResult r =
            StepResult::failure(FailureClass::kPermanent, "cannot follow " + run_name(rec) + ": " + e.message);
        describe_run(r, rec, "");
        return r;
      }
      if (e.failure_class == FailureClass::kRateLimited) {
        pause = std::max(pause, e.wait.value_or(s.timing().secondary_limit_wait));
        s.log("rate limited (" + e.message + "): next poll in " + fmt(pause));
      } else if (++failures > kMaxPollFailures) {
        StepResult r =
            StepResult::failure(FailureClass::kTransient, "lost track of " + run_name(rec) + " after " +
                                                              std::to_string(failures) + " failed polls: " + e.message);
        describe_run(r, rec, "");
        return r;
      } else {
        Millis backoff = s.params.poll_interval * (1 << std::min(failures - 1, 10));
        pause = std::min(backoff, std::max(s.params.poll_interval, s.timing().max_poll_backoff));
        s.log("polling " + run_name(rec) + " failed (" + e.message + "): again in " + fmt(pause));
      }
    }
    if (deadline) {
      SystemTime now = s.clock.wall_now();
      if (now >= *deadline)
        return stop(s, rec, FailureClass::kTimeout,
                    run_name(rec) + " did not complete within " + fmt(*s.params.timeout) + ": " + rec.html_url);
      pause = std::min(pause, std::max(Millis(1), std::chrono::duration_cast<Millis>(*deadline - now)));
    }
    if (!s.sleep_for(pause)) return stop(s, rec, FailureClass::kCancelled, "cancelled");
  }
}

}  // namespace wf::steps::gh
