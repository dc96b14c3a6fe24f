#pragma once
// Exactly-once dispatch. The dispatch request is not idempotent, so:
// 1. A record of an earlier attempt (or of the run this run resumes) for the
//    same dispatch is reconciled first: its run is followed when it exists
//    and has not failed; an unanswered dispatch is looked for.
// 2. Before a new dispatch, the newest matching run is listed (the
//    baseline) and the intent is journalled (fsync'd), then the request is
//    sent with return_run_details (a 200 names the run).
// 3. A 204 (older GitHub Enterprise) or a lost answer (timeout, dropped
//    connection, 5xx) is followed by a search for the run it created (see
//    run_finder.h), for Timing::find_window after the dispatch. A lost
//    answer with no run in that window fails the attempt as transient and
//    leaves the intent on record: the next attempt looks once more and only
//    then dispatches again. Nothing is ever sent twice within an attempt,
//    except the same request without return_run_details when a server
//    rejects that field (a refused request created nothing).

#include "runner/core/expected.h"
#include "runner/step_api/step_type.h"
#include "steps/gh_dispatch/session.h"

namespace wf::steps::gh {

/// The record of the dispatch this attempt follows, with run_id set; or the
/// attempt's failure (classified; kCancelled when the clock's token was
/// cancelled, after cancelling a run the dispatch may have created when
/// params.cancel_on_abort).
core::Expected<DispatchRecord, step_api::StepResult> ensure_dispatched(Session& s);

/// Looks for the run the dispatch of `record` created, until
/// Timing::find_window after it was sent (waiting between listings), then
/// once more. nullopt: GitHub listed no such run after the window ended.
/// A failure when it could not tell (GitHub kept failing, a permanent
/// error, cancellation).
core::Expected<std::optional<WorkflowRun>, step_api::StepResult> find_dispatched_run(Session& s,
                                                                                     const DispatchRecord& record);

}  // namespace wf::steps::gh
