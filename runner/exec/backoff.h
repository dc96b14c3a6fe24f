#pragma once
// Delays between attempts: exponential backoff with full jitter.

#include <functional>
#include <optional>

#include "runner/core/duration.h"
#include "runner/model/workflow.h"

namespace wf::exec {

/// The wait before attempt `next_attempt` (2 = the first retry): a uniform
/// random duration in [0, min(max_delay, delay * factor^(next_attempt-2))]
/// ("full jitter"), but at least `retry_after` when the server asked for it.
/// `random01` returns a number in [0, 1); tests pass a fixed one.
core::Millis backoff_delay(const model::Backoff& b, int next_attempt, std::optional<core::Millis> retry_after,
                           const std::function<double()>& random01);

/// A thread-safe random01 for backoff_delay.
double default_random01();

}  // namespace wf::exec
