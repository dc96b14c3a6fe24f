#include "runner/exec/backoff.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace wf::exec {

core::Millis backoff_delay(const model::Backoff& b, int next_attempt, std::optional<core::Millis> retry_after,
                           const std::function<double()>& random01) {
  double cap = static_cast<double>(b.delay.count()) * std::pow(b.factor, std::max(0, next_attempt - 2));
  if (b.max_delay) cap = std::min(cap, static_cast<double>(b.max_delay->count()));
  auto wait = core::Millis(static_cast<long long>(cap * random01()));
  if (retry_after) wait = std::max(wait, *retry_after);
  return wait;
}

double default_random01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

}  // namespace wf::exec
