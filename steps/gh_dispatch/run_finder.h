#pragma once
// Which listed run a dispatch created, when GitHub did not say (a 204 from
// an older GitHub Enterprise, or an answer lost to a timeout, a dropped
// connection or a 5xx). Never "the latest run": only a run that cannot have
// existed before the dispatch. Pure.

#include <chrono>
#include <optional>
#include <vector>

#include "steps/gh_dispatch/dispatch_record.h"
#include "steps/gh_dispatch/github_api.h"

namespace wf::steps::gh {

/// The run among `runs` that the dispatch of `record` created: a
/// `workflow_dispatch` run on `branch` whose id is above the newest such
/// run listed just before the dispatch (record.baseline_run_id) and that
/// was created within `window` of the dispatch (record.since, GitHub's
/// clock). When several qualify, the oldest: the first created after the
/// dispatch. `others` (optional) receives how many more qualified, so the
/// caller can warn that another dispatch happened at the same time.
std::optional<WorkflowRun> pick_dispatched_run(const std::vector<WorkflowRun>& runs, const DispatchRecord& record,
                                               const std::string& branch, std::chrono::milliseconds window,
                                               int* others = nullptr);

}  // namespace wf::steps::gh
