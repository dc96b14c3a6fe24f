#include "steps/gh_dispatch/rate_limit.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "runner/core/json.h"

namespace wf::steps::gh {

namespace {

std::optional<long long> integer_header(const services::HttpResponse& r, const char* name) {
  const std::string* v = r.header(name);
  if (!v || v->empty()) return std::nullopt;
  char* end = nullptr;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (*end != '\0' || n < 0) return std::nullopt;
  return n;
}

// The server's clock when it answered, else ours.
// The longest wait a server's headers may ask for: GitHub's are minutes, and
// a larger number (a bogus header) must neither overflow the clock's
// arithmetic nor park a step for years.
constexpr long long kMaxWaitSeconds = 24 * 3600;

SystemTime server_now(const services::HttpResponse& r, SystemTime now) {
  if (const std::string* d = r.header("date"))
    if (auto t = parse_http_date(*d)) return *t;
  return now;
}

std::optional<Millis> retry_after(const services::HttpResponse& r, SystemTime now) {
  const std::string* v = r.header("retry-after");
  if (!v) return std::nullopt;
  if (auto secs = integer_header(r, "retry-after")) return Millis(std::min(*secs, kMaxWaitSeconds) * 1000);
  if (auto at = parse_http_date(*v)) {
    auto d = std::chrono::duration_cast<Millis>(*at - server_now(r, now));
    return d.count() > 0 ? d : Millis(0);
  }
  return std::nullopt;
}

std::optional<Millis> until_reset(const services::HttpResponse& r, SystemTime now) {
  auto remaining = integer_header(r, "x-ratelimit-remaining");
  auto reset = integer_header(r, "x-ratelimit-reset");
  if (!remaining || *remaining != 0 || !reset) return std::nullopt;
  // In whole seconds: an epoch second past year 2262 overflows the clock.
  long long server_s =
      std::chrono::duration_cast<std::chrono::seconds>(server_now(r, now).time_since_epoch()).count();
  long long left = std::min(*reset - server_s, kMaxWaitSeconds);
  // The reset is in whole seconds: one more second avoids arriving just before it.
  return left > 0 ? Millis(left * 1000 + 1000) : Millis(1000);
}

bool contains_nocase(const std::string& text, std::string_view word) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  for (size_t i = 0; i + word.size() <= text.size(); ++i) {
    size_t j = 0;
    while (j < word.size() && lower(text[i + j]) == word[j]) ++j;
    if (j == word.size()) return true;
  }
  return false;
}

std::string one_line(std::string s, size_t max) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  size_t b = s.find_first_not_of(' ');
  size_t e = s.find_last_not_of(' ');
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

}  // namespace

std::string github_message(const std::string& body) {
  auto v = core::parse_json(body);
  if (v && v->is_object()) {
    std::string msg;
    if (const core::Value* m = v->find("message"); m && m->is_string()) msg = m->as_string();
    if (const core::Value* errs = v->find("errors"); errs && errs->is_array()) {
      for (const auto& e : errs->as_array()) {
        std::string part;
        if (e.is_string())
          part = e.as_string();
        else if (const core::Value* em = e.find("message"); em && em->is_string())
          part = em->as_string();
        else if (const core::Value* code = e.find("code"); code && code->is_string()) {
          part = code->as_string();
          if (const core::Value* f = e.find("field"); f && f->is_string()) part += " " + f->as_string();
        }
        if (!part.empty()) msg += (msg.empty() ? "" : "; ") + part;
      }
    }
    if (!msg.empty()) return one_line(msg, 300);
  }
  std::string first = body.substr(0, body.find('\n'));
  return one_line(first, 300);
}

std::optional<Millis> quota_wait(const services::HttpResponse& r, SystemTime now) { return until_reset(r, now); }

core::FailureClass failure_class_of(Verdict v) {
  switch (v) {
    case Verdict::kRateLimited:
      return core::FailureClass::kRateLimited;
    case Verdict::kTransient:
      return core::FailureClass::kTransient;
    case Verdict::kCancelled:
      return core::FailureClass::kCancelled;
    default:
      return core::FailureClass::kPermanent;
  }
}

Classified classify_response(const services::HttpResponse& r, SystemTime now, Millis secondary_wait) {
  Classified c;
  if (!r.transport_ok) {
    c.verdict = r.cancelled ? Verdict::kCancelled : Verdict::kTransient;
    c.maybe_acted = r.request_sent;
    c.message = r.cancelled ? "cancelled" : "network error: " + one_line(r.error, 300);
    return c;
  }
  c.status = r.status;
  if (r.status == 304) {
    c.verdict = Verdict::kNotModified;
    return c;
  }
  if (r.status >= 200 && r.status < 300) return c;

  std::string msg = github_message(r.body);
  c.message = "HTTP " + std::to_string(r.status) + (msg.empty() ? "" : ": " + msg);
  if (r.status == 403 || r.status == 429) {
    bool secondary = contains_nocase(msg, "secondary rate limit") || contains_nocase(msg, "abuse");
    if (auto w = retry_after(r, now)) {
      c.verdict = Verdict::kRateLimited;
      c.wait = w;
    } else if (auto w2 = until_reset(r, now)) {
      c.verdict = Verdict::kRateLimited;
      c.wait = w2;
    } else if (r.status == 429 || secondary) {
      c.verdict = Verdict::kRateLimited;
      c.wait = secondary_wait;
    } else {
      c.verdict = Verdict::kPermanent;
    }
    return c;
  }
  if (r.status == 408) {
    c.verdict = Verdict::kTransient;
    c.maybe_acted = true;
    return c;
  }
  if (r.status >= 500) {
    c.verdict = Verdict::kTransient;
    c.maybe_acted = true;
    return c;
  }
  c.verdict = Verdict::kPermanent;
  return c;
}

}  // namespace wf::steps::gh
