#include "steps/terraform/classify.h"

#include <regex>
#include <vector>

namespace wf::steps::terraform {

namespace {

std::string_view trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// A line without the frame terraform draws around diagnostics on a
// terminal ("╷", "│ ", "╵"), trimmed.
std::string_view unframe(std::string_view line) {
  line = trim(line);
  for (std::string_view frame : {"\u2577", "\u2502", "\u2575"})
    if (line.substr(0, frame.size()) == frame) return trim(line.substr(frame.size()));
  return line;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(unframe(text.substr(start, nl - start)));
    start = nl + 1;
  }
  return lines;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Where the diagnostics start: the first line that begins with "Error"
// ("Error: TITLE", or older forms such as "Error locking state: ...").
size_t first_error_line(const std::vector<std::string_view>& lines) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (starts_with(lines[i], "Error")) return i;
  return lines.size();
}

// The diagnostics as one line: terraform wraps its messages at ~78
// columns, so "Client.Timeout\nexceeded" must read as one phrase.
std::string flatten(const std::vector<std::string_view>& lines, size_t from) {
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    if (!out.empty()) out += ' ';
    out += lines[i];
  }
  return out;
}

// Network and throttling errors, as Go's net/http, the AWS, Google and
// Azure SDKs and terraform's registry client print them.
const std::vector<std::regex>& transient_patterns() {
  static const std::vector<std::regex> kPatterns = [] {
    const char* sources[] = {
        R"(context deadline exceeded)",
        R"(Client\.Timeout exceeded)",
        R"(TLS handshake timeout)",
        R"(i/o timeout)",
        R"(connection reset by peer)",
        R"(connection refused)",
        R"(broken pipe)",
        R"(network is unreachable)",
        R"(temporary failure in name resolution)",
        R"(server misbehaving)",
        R"(request canceled while waiting for connection)",
        R"(timeout awaiting response headers)",
        R"(timeout while waiting for)",
        R"(\btimed out\b)",
        R"(Too Many Requests)",
        R"((status ?code|http|error|response code)[:= ]+(429|5\d\d)\b)",
        R"(\b(500 Internal Server Error|502 Bad Gateway|503 Service (Temporarily )?Unavailable|504 Gateway Time-?out))",
        R"(\bThrottl(ing|ed)\b|ThrottlingException|Rate exceeded|RequestLimitExceeded|TooManyRequestsException)",
        R"(\b(rateLimitExceeded|userRateLimitExceeded|SlowDown|ServiceUnavailable|RequestTimeout|PriorRequestNotComplete)\b)",
        R"(Saved plan is stale)",
    };
    std::vector<std::regex> out;
    for (const char* s : sources) out.emplace_back(s, std::regex::ECMAScript | std::regex::icase);
    return out;
  }();
  return kPatterns;
}

// "2026-11-22 21:59:29.734682323 +0000 UTC" -> "2026-11-22 21:59:29 UTC".
std::string short_time(const std::string& created) {
  static const std::regex kFraction(R"((\d\d:\d\d:\d\d)\.\d+)");
  static const std::regex kZeroOffset(R"( \+0000 UTC$)");
  return std::regex_replace(std::regex_replace(created, kFraction, "$1"), kZeroOffset, " UTC");
}

std::string clip(std::string s, size_t max) {
  if (s.size() > max) s = s.substr(0, max - 3) + "...";
  return s;
}

}  // namespace

std::optional<LockInfo> parse_lock_info(std::string_view output) {
  auto lines = lines_of(output);
  size_t i = 0;
  while (i < lines.size() && lines[i] != "Lock Info:") ++i;
  if (i == lines.size()) return std::nullopt;
  LockInfo info;
  for (++i; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    size_t colon = line.find(':');
    if (line.empty() || colon == std::string_view::npos) break;
    std::string_view key = line.substr(0, colon);
    std::string value(trim(line.substr(colon + 1)));
    if (key == "ID") info.id = value;
    else if (key == "Path") info.path = value;
    else if (key == "Operation") info.operation = value;
    else if (key == "Who") info.who = value;
    else if (key == "Version") info.version = value;
    else if (key == "Created") info.created = value;
    else if (key == "Info") info.info = value;
    else break;
  }
  return info;
}

std::string first_error(std::string_view output) {
  for (std::string_view line : lines_of(output))
    if (starts_with(line, "Error: ")) return std::string(trim(line.substr(7)));
  return {};
}

std::string describe_lock(const LockInfo& lock) {
  std::string out = "held by " + (lock.who.empty() ? std::string("another process") : lock.who);
  std::vector<std::string> parts;
  if (!lock.id.empty()) parts.push_back("lock ID " + lock.id);
  if (!lock.operation.empty())
    parts.push_back(lock.operation + (lock.created.empty() ? "" : " since " + short_time(lock.created)));
  else if (!lock.created.empty())
    parts.push_back("since " + short_time(lock.created));
  if (!lock.path.empty()) parts.push_back("path " + lock.path);
  if (!parts.empty()) {
    out += " (";
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    out += ")";
  }
  return out;
}

Diagnosis classify_failure(std::string_view output) {
  auto lines = lines_of(output);
  size_t from = first_error_line(lines);
  if (from == lines.size()) from = 0;  // no diagnostics (a crash?): read everything
  std::string diagnostics = flatten(lines, from);
  std::string title = first_error(output);
  for (size_t i = from; title.empty() && i < lines.size(); ++i) title = std::string(lines[i]);

  Diagnosis d;
  if (diagnostics.find("Error acquiring the state lock") != std::string::npos) {
    d.failure_class = core::FailureClass::kLock;
    d.lock = parse_lock_info(output);
    if (d.lock) {
      d.message = "state lock " + describe_lock(*d.lock);
    } else {
      std::string why;
      for (std::string_view line : lines)
        if (starts_with(line, "Error message: ")) why = " (" + std::string(line.substr(15)) + ")";
      d.message = "state lock held by another process" + why;
    }
    return d;
  }
  for (const auto& pattern : transient_patterns()) {
    std::smatch m;
    if (std::regex_search(diagnostics, m, pattern)) {
      d.failure_class = core::FailureClass::kTransient;
      std::string what = m.str();
      d.message = clip(title.find(what) != std::string::npos || title.empty() ? (title.empty() ? what : title)
                                                                               : title + " (" + what + ")",
                       300);
      return d;
    }
  }
  int errors = 0;
  for (size_t i = from; i < lines.size(); ++i)
    if (starts_with(lines[i], "Error: ")) ++errors;
  d.message = clip(title.empty() ? std::string("failed without an error message") : title, 300);
  if (errors > 1) d.message += " (and " + std::to_string(errors - 1) + " more error" + (errors > 2 ? "s" : "") + ")";
  return d;
}

}  // namespace wf::steps::terraform
