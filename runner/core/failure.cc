#include "runner/core/failure.h"

namespace wf::core {

namespace {
struct Name { FailureClass c; std::string_view name; };
constexpr Name kNames[] = {
    {FailureClass::kPermanent, "permanent"}, {FailureClass::kTransient, "transient"},
    {FailureClass::kRateLimited, "rate-limited"}, {FailureClass::kLock, "lock"},
    {FailureClass::kTimeout, "timeout"}, {FailureClass::kCancelled, "cancelled"},
};
}  // namespace

const char* failure_class_name(FailureClass c) {
  for (const auto& n : kNames)
    if (n.c == c) return n.name.data();
  return "permanent";
}

std::optional<FailureClass> parse_failure_class(std::string_view s) {
  for (const auto& n : kNames)
    if (n.name == s) return n.c;
  return std::nullopt;
}

int step_exit_code(FailureClass c) {
  switch (c) {
    case FailureClass::kTransient: return 75;
    case FailureClass::kRateLimited: return 76;
    case FailureClass::kLock: return 77;
    case FailureClass::kTimeout: return 124;
    case FailureClass::kCancelled: return 130;
    case FailureClass::kPermanent: return 1;
  }
  return 1;
}

}  // namespace wf::core
