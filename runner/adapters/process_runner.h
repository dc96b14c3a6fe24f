#pragma once
// The real process runner: Boost.Process v2 + Asio, kept inside one .cc.

#include <memory>

#include "runner/services/process_runner.h"

namespace wf::adapters {

/// The real ProcessRunner (Linux). Each run() forks a child that leads its own
/// process group, with default signal dispositions and an empty signal mask,
/// only fds 0-2 open, and PR_SET_PDEATHSIG(SIGKILL), so that it dies even if
/// wf is SIGKILLed (its descendants then survive: only the normal paths reach
/// them, through the group). Process-wide effect, on the first call: wf
/// becomes a child subreaper (PR_SET_CHILD_SUBREAPER) so that orphaned members
/// of a group are re-parented to wf and reaped by it, even where init does not
/// reap. Known limits: a descendant that calls setsid() or setpgid() leaves
/// the group and is not stopped (run() still returns without waiting for the
/// pipes it holds); a process that opens /dev/tty is in a background group.
std::unique_ptr<services::ProcessRunner> make_process_runner();

}  // namespace wf::adapters
