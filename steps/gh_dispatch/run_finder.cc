#include "steps/gh_dispatch/run_finder.h"

namespace wf::steps::gh {

std::optional<WorkflowRun> pick_dispatched_run(const std::vector<WorkflowRun>& runs, const DispatchRecord& record,
                                               const std::string& branch, std::chrono::milliseconds window,
                                               int* others) {
  auto since = parse_iso8601(record.since);
  std::optional<WorkflowRun> best;
  int count = 0;
  for (const auto& r : runs) {
    if (r.event != "workflow_dispatch" || r.head_branch != branch || r.id <= record.baseline_run_id) continue;
    if (since) {
      auto created = parse_iso8601(r.created_at);
      // A run without a readable creation time cannot be placed after the dispatch.
      if (!created || *created < *since || *created > *since + window) continue;
    }
    ++count;
    if (!best || r.id < best->id) best = r;
  }
  if (others) *others = count > 0 ? count - 1 : 0;
  return best;
}

}  // namespace wf::steps::gh
