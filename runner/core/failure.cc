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

}  // namespace wf::core
