#pragma once
// Processes that left their step's process group (`setsid`, double forks)
// and were re-parented to wf, a child subreaper (see process_runner.h).

#include <chrono>
#include <string>

namespace wf::adapters {

/// Stops every remaining child process of wf — with its own process group
/// when it leads one — with SIGTERM, then SIGKILL after `grace`, reaps them,
/// and repeats for their children re-parented in turn (a few rounds at
/// most). Call when no step runs any more: at the end of `wf run`.
/// Returns how many processes it had to stop.
int stop_orphans(std::chrono::milliseconds grace);

/// Stops what a dead run left running: every process (not wf itself) whose
/// environment holds `WF_RUN_ID=<run_id>` — each step process has it, and
/// their descendants inherit it — with its process group when it leads one:
/// SIGTERM, then SIGKILL after `grace`. A run killed with SIGKILL leaves its
/// steps' processes behind (re-parented to init); `wf run --resume` calls
/// this for the run it resumes before running anything. Returns how many
/// processes it found.
int stop_run_processes(const std::string& run_id, std::chrono::milliseconds grace);

}  // namespace wf::adapters
