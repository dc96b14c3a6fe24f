#pragma once
// Failure classes: how a step attempt failed, which decides whether the
// executor retries it (DESIGN §1 "Semantics").

#include <optional>
#include <string_view>

namespace wf::core {

enum class FailureClass { kPermanent, kTransient, kRateLimited, kLock, kTimeout, kCancelled };

/// "permanent", "transient", "rate-limited", "lock", "timeout", "cancelled".
const char* failure_class_name(FailureClass c);
/// The inverse of failure_class_name; nullopt for anything else.
std::optional<FailureClass> parse_failure_class(std::string_view s);

/// `wf step`'s exit code for a failure of class `c` (docs/argo.md), which
/// `wf export argo`'s retry expressions test: 1 permanent, 75 transient,
/// 76 rate-limited, 77 lock, 124 timeout, 130 cancelled.
int step_exit_code(FailureClass c);

}  // namespace wf::core
