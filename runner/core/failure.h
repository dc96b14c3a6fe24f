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

}  // namespace wf::core
