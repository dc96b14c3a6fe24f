#include "runner/adapters/http_headers.h"

#include <catch2/catch.hpp>

using wf::adapters::add_header_line;
using Headers = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("http headers: names are lower-cased, both sides trimmed, CRLF dropped", "[adapters]") {
  Headers h;
  add_header_line("HTTP/1.1 200 OK\r\n", h);
  add_header_line("X-RateLimit-Remaining:  0 \r\n", h);
  add_header_line("Retry-After:60\n", h);
  add_header_line("Location: https://x:8080/a\r\n", h);
  add_header_line("no colon here\r\n", h);
  add_header_line("\r\n", h);
  CHECK(h == Headers{{"x-ratelimit-remaining", "0"}, {"retry-after", "60"}, {"location", "https://x:8080/a"}});
}

TEST_CASE("http headers: a new status line (redirect, 100 Continue) drops the headers so far", "[adapters]") {
  Headers h;
  add_header_line("HTTP/1.1 301 Moved Permanently\r\n", h);
  add_header_line("Location: https://elsewhere\r\n", h);
  add_header_line("\r\n", h);
  add_header_line("HTTP/2 200\r\n", h);
  add_header_line("ETag: \"e1\"\r\n", h);
  CHECK(h == Headers{{"etag", "\"e1\""}});
}

TEST_CASE("http headers: odd lines never fail", "[adapters]") {
  Headers h;
  for (const char* line : {"HTTP/", "", ":", ": v", "k:", "http/1.1 200"})
    add_header_line(line, h);
  CHECK(h == Headers{{"", ""}, {"", "v"}, {"k", ""}});
}
