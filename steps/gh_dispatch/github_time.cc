#include "steps/gh_dispatch/github_time.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace wf::steps::gh {

namespace {

bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Years outside 1970..2200 are refused: system_clock counts nanoseconds in
// 64 bits, which overflow after 2262 (a "Retry-After: ... 4052 GMT" was
// undefined behaviour: found by fuzz_github_response).
std::optional<SystemTime> from_utc(int year, int month, int day, int hour, int minute, int second) {
  if (year < 1970 || year > 2200) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::string format_iso8601(SystemTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<SystemTime> parse_iso8601(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != ' ') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
  }
  auto t = from_utc(y, mo, d, h, mi, se);
  if (!t) return std::nullopt;
  if (at < s.size() && s[at] == 'Z' && at + 1 == s.size()) return t;
  int oh, om;
  if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && digits(s, at + 1, 2, oh) && s[at + 3] == ':' &&
      digits(s, at + 4, 2, om)) {
    auto offset = std::chrono::minutes(oh * 60 + om);
    return s[at] == '+' ? *t - offset : *t + offset;
  }
  return std::nullopt;
}

std::optional<SystemTime> parse_http_date(std::string_view s) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s.substr(26) != "GMT") return std::nullopt;
  int d, y, h, mi, se;
  if (!digits(s, 5, 2, d) || s[7] != ' ' || s[11] != ' ' || !digits(s, 12, 4, y) || s[16] != ' ' ||
      !digits(s, 17, 2, h) || s[19] != ':' || !digits(s, 20, 2, mi) || s[22] != ':' || !digits(s, 23, 2, se) ||
      s[25] != ' ')
    return std::nullopt;
  std::string_view mon = s.substr(8, 3);
  for (int m = 0; m < 12; ++m)
    if (mon == kMonths[m]) return from_utc(y, m + 1, d, h, mi, se);
  return std::nullopt;
}

}  // namespace wf::steps::gh
