// The retry backoff: full jitter under delay * factor^(n-1), capped by
// max-delay, at least what a rate-limited server asked, and never an overflow.

#include <catch2/catch.hpp>

#include "runner/exec/backoff.h"

using namespace wf;
using core::Millis;

TEST_CASE("backoff: full jitter under delay * factor^(retry-1), capped by max-delay", "[exec][backoff]") {
  model::Backoff b;
  b.delay = Millis(1000);
  b.factor = 2;
  auto one = [] { return 1.0; };
  CHECK(exec::backoff_delay(b, 2, std::nullopt, one) == Millis(1000));
  CHECK(exec::backoff_delay(b, 4, std::nullopt, one) == Millis(4000));
  CHECK(exec::backoff_delay(b, 4, std::nullopt, [] { return 0.5; }) == Millis(2000));
  b.max_delay = Millis(3000);
  CHECK(exec::backoff_delay(b, 10, std::nullopt, one) == Millis(3000));
}

TEST_CASE("backoff: a rate limit's wait is the least", "[exec][backoff]") {
  model::Backoff b;
  b.delay = Millis(10);
  CHECK(exec::backoff_delay(b, 2, Millis(60000), [] { return 1.0; }) == Millis(60000));
}

TEST_CASE("backoff: a huge factor or attempt count does not overflow (at most a day)", "[exec][backoff]") {
  model::Backoff b;
  b.delay = Millis(1000);
  b.factor = 1e300;
  Millis d = exec::backoff_delay(b, 1000000, std::nullopt, [] { return 1.0; });
  CHECK(d == Millis(24LL * 3600 * 1000));
  CHECK(exec::backoff_delay(b, 1000000, std::nullopt, [] { return 0.0; }) == Millis(0));
  CHECK(exec::backoff_delay(b, 2, std::nullopt, [] { return 7.0; }) <= Millis(24LL * 3600 * 1000));
}
