#include <catch2/catch.hpp>

#include "runner/core/duration.h"

using wf::core::format_duration;
using wf::core::Millis;
using wf::core::parse_duration;

TEST_CASE("duration: units combine in decreasing order", "[core]") {
  CHECK(parse_duration("90s") == Millis(90000));
  CHECK(parse_duration("10m") == Millis(600000));
  CHECK(parse_duration("1h30m") == Millis(5400000));
  CHECK(parse_duration("1m500ms") == Millis(60500));
  CHECK(parse_duration("0") == Millis(0));
}

TEST_CASE("duration: malformed text is rejected", "[core]") {
  for (const char* bad : {"", "10", "m", "10x", "1m1h", "1s1s", "-5s", "1.5m", " 5s", "5 s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("duration: formatting reads back", "[core]") {
  CHECK(format_duration(Millis(5400000)) == "1h30m");
  CHECK(format_duration(Millis(90000)) == "1m30s");
  CHECK(format_duration(Millis(0)) == "0s");
  CHECK(format_duration(Millis(1250)) == "1s250ms");
  for (long long ms : {1LL, 999LL, 61001LL, 3600000LL * 25 + 7}) CHECK(parse_duration(format_duration(Millis(ms))) == Millis(ms));
}
