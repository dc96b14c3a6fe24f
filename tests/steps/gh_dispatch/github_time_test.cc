// gh-dispatch: GitHub's time formats (ISO 8601, HTTP dates).

#include "steps/gh_dispatch/github_time.h"

#include <catch2/catch.hpp>

using namespace wf::steps::gh;

TEST_CASE("github time: ISO 8601 reads back what it formats", "[gh-dispatch]") {
  auto t = parse_iso8601("2026-03-01T12:34:56Z");
  REQUIRE(t);
  CHECK(format_iso8601(*t) == "2026-03-01T12:34:56Z");
}

TEST_CASE("github time: ISO 8601 offsets and fractions are understood", "[gh-dispatch]") {
  CHECK(parse_iso8601("2026-03-01T14:34:56+02:00") == parse_iso8601("2026-03-01T12:34:56Z"));
  CHECK(parse_iso8601("2026-03-01T07:34:56-05:00") == parse_iso8601("2026-03-01T12:34:56Z"));
  CHECK(parse_iso8601("2026-03-01T12:34:56.789Z") == parse_iso8601("2026-03-01T12:34:56Z"));
}

TEST_CASE("github time: malformed ISO 8601 is rejected", "[gh-dispatch]") {
  CHECK_FALSE(parse_iso8601(""));
  CHECK_FALSE(parse_iso8601("2026-03-01"));
  CHECK_FALSE(parse_iso8601("2026-13-01T12:00:00Z"));
  CHECK_FALSE(parse_iso8601("2026-03-01T12:00:00"));
  CHECK_FALSE(parse_iso8601("2026-03-01T12:00:00Zjunk"));
}

TEST_CASE("github time: HTTP dates (IMF-fixdate) are read", "[gh-dispatch]") {
  auto t = parse_http_date("Sun, 01 Mar 2026 12:34:56 GMT");
  REQUIRE(t);
  CHECK(format_iso8601(*t) == "2026-03-01T12:34:56Z");
  CHECK_FALSE(parse_http_date("Sunday, 01-Mar-26 12:34:56 GMT"));
  CHECK_FALSE(parse_http_date("Sun, 01 Foo 2026 12:34:56 GMT"));
  CHECK_FALSE(parse_http_date("120"));
}

// Found by fuzz_github_response (fuzz/): "Retry-After: Mon, 07 Dec 4052 ..."
// overflowed system_clock's nanoseconds (undefined behaviour; UBSan reports
// it in the asan build).
TEST_CASE("github time: years outside 1970..2200 are refused, not overflowed", "[gh-dispatch]") {
  CHECK_FALSE(parse_http_date("Mon, 07 Dec 4052 19:01:00 GMT"));
  CHECK_FALSE(parse_http_date("Mon, 07 Dec 0001 19:01:00 GMT"));
  CHECK_FALSE(parse_iso8601("9999-12-31T23:59:59Z"));
  CHECK_FALSE(parse_iso8601("1969-12-31T23:59:59Z"));
  auto t = parse_http_date("Mon, 07 Dec 2200 19:01:00 GMT");
  REQUIRE(t);
  CHECK(format_iso8601(*t) == "2200-12-07T19:01:00Z");
}
