#include "runner/exec/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace wf::exec {

core::Millis backoff_delay(const model::Backoff& b, int next_attempt, std::optional<core::Millis> retry_after,
                           const std::function<double()>& random01) {
  // In doubles, then bounded before the conversion: delay * factor^n grows
  // past any integer (or to inf) after enough attempts, and converting such
  // a double to an integer is undefined. No wait is longer than a day.
  constexpr double kLongest = 24.0 * 3600 * 1000;
  double cap = static_cast<double>(b.delay.count()) * std::pow(b.factor, std::max(0, next_attempt - 2));
  if (b.max_delay) cap = std::min(cap, static_cast<double>(b.max_delay->count()));
  if (!(cap >= 0)) cap = 0;  // NaN, negative
  cap = std::min(cap, kLongest);
  double r = std::clamp(random01(), 0.0, 1.0);
  auto wait = core::Millis(static_cast<long long>(cap * r));
  if (retry_after) wait = std::max(wait, *retry_after);
  return wait;
}

double default_random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace wf::exec
