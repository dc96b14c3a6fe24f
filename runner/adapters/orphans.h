#pragma once
// Processes that left their step's process group (`setsid`, double forks)
// and were re-parented to wf, a child subreaper (see process_runner.h).

#include <chrono>

namespace wf::adapters {

/// Stops every remaining child process of wf — with its own process group
/// when it leads one — with SIGTERM, then SIGKILL after `grace`, reaps them,
/// and repeats for their children re-parented in turn (a few rounds at
/// most). Call when no step runs any more: at the end of `wf run`.
/// Returns how many processes it had to stop.
int stop_orphans(std::chrono::milliseconds grace);

}  // namespace wf::adapters
