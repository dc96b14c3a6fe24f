#pragma once
// Following a dispatched run to its end: polls GET .../actions/runs/{id} at
// the poll interval with If-None-Match (a 304 costs no quota on GitHub);
// waits out rate limits (Retry-After, x-ratelimit-reset, a minute for a
// secondary limit) and a few failed polls (reading a run's status is safe to
// repeat); stops at the remote run's timeout or on cancellation, cancelling
// the run first when params.cancel_on_abort.

#include "runner/step_api/step_type.h"
#include "steps/gh_dispatch/session.h"

namespace wf::steps::gh {

/// Consecutive failed polls (network, 5xx) tolerated before the attempt
/// fails as transient; a retry follows the same run (it is on record).
constexpr int kMaxPollFailures = 5;

/// The attempt's result once the run of `record` (run_id set) completes:
/// success when its conclusion is `success`; otherwise a failure naming the
/// conclusion and the run's URL (failure, timed_out, startup_failure:
/// transient, like a script's non-zero exit; cancelled, action_required,
/// neutral, skipped, stale: permanent). kTimeout when params.timeout passes
/// (measured from the dispatch), kCancelled when the clock's token is.
/// Outputs (run-id, run-url, html-url, conclusion) and the run's link are
/// set in every case where the run is known.
step_api::StepResult watch_run(Session& s, DispatchRecord& record);

/// The outputs and link of a run; `conclusion` may be empty (not waited for).
void describe_run(step_api::StepResult& result, const DispatchRecord& record, const std::string& conclusion);

/// The failure class of a run that completed with `conclusion` (not success).
core::FailureClass conclusion_class(const std::string& conclusion);

}  // namespace wf::steps::gh
