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
