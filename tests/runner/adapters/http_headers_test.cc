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

TEST_CASE("http headers: the debug log shows no credential of a header or URL", "[adapters]") {
  using wf::adapters::header_for_log;
  using wf::adapters::url_for_log;
  CHECK(header_for_log("Authorization", "Bearer ghp_abc") == "Authorization: <redacted>");
  CHECK(header_for_log("proxy-authorization", "Basic eA==") == "proxy-authorization: <redacted>");
  CHECK(header_for_log("X-Api-Key", "k") == "X-Api-Key: <redacted>");
  CHECK(header_for_log("PRIVATE-TOKEN", "t") == "PRIVATE-TOKEN: <redacted>");
  CHECK(header_for_log("Cookie", "s=1") == "Cookie: <redacted>");
  CHECK(header_for_log("Accept", "application/vnd.github+json") == "Accept: application/vnd.github+json");

  CHECK(url_for_log("https://api.github.com/repos/o/r/actions/runs?per_page=30&event=workflow_dispatch") ==
        "https://api.github.com/repos/o/r/actions/runs?per_page=30&event=workflow_dispatch");
  CHECK(url_for_log("https://user:pw@host.example/a?b=1") == "https://<redacted>@host.example/a?b=1");
  CHECK(url_for_log("https://h/x?access_token=abc&page=2&sig=zz#frag") ==
        "https://h/x?access_token=<redacted>&page=2&sig=<redacted>#frag");
  CHECK(url_for_log("http://127.0.0.1:8080/path@not-userinfo") == "http://127.0.0.1:8080/path@not-userinfo");
}
