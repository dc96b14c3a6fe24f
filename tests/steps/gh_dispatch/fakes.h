#pragma once
// Test fakes for gh-dispatch's unit tests: an HttpClient that answers from
// per-route scripts and records what it was sent, a StepClock whose waits
// only move a fake wall clock, and GitHub-shaped answers.

#include <catch2/catch.hpp>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "runner/core/json.h"
#include "runner/services/http_client.h"
#include "steps/gh_dispatch/github_time.h"
#include "steps/gh_dispatch/step_clock.h"

namespace wf::gh_test {

using services::HttpRequest;
using services::HttpResponse;
using steps::gh::Millis;
using steps::gh::SystemTime;

/// 2026-03-01T12:00:00Z: the fake clock's start.
inline SystemTime epoch() { return *steps::gh::parse_iso8601("2026-03-01T12:00:00Z"); }

inline std::string http_date(SystemTime t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

inline HttpResponse answer(int status, std::string body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.transport_ok = true;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline HttpResponse transport_error(std::string error, bool sent = true) {
  HttpResponse r;
  r.transport_ok = false;
  r.error = std::move(error);
  r.request_sent = sent;
  return r;
}

inline HttpResponse github_error(int status, const std::string& message,
                                 std::vector<std::pair<std::string, std::string>> headers = {}) {
  return answer(status, R"({"message":")" + message + R"(","documentation_url":"https://docs.github.com/rest"})",
                std::move(headers));
}

/// A run object as GitHub lists it.
struct FakeRun {
  long long id = 0;
  std::string status = "queued";
  std::string conclusion;
  std::string event = "workflow_dispatch";
  std::string branch = "main";
  SystemTime created = epoch();

  std::string json() const {
    std::string idtxt = std::to_string(id);
    return R"({"id":)" + idtxt + R"(,"status":")" + status + R"(","conclusion":)" +
           (conclusion.empty() ? std::string("null") : "\"" + conclusion + "\"") + R"(,"event":")" + event +
           R"(","head_branch":")" + branch + R"(","created_at":")" + steps::gh::format_iso8601(created) +
           R"(","url":"https://api.example.test/repos/o/r/actions/runs/)" + idtxt +
           R"(","html_url":"https://github.example.test/o/r/actions/runs/)" + idtxt + R"("})";
  }
};

inline HttpResponse run_list(const std::vector<FakeRun>& runs, SystemTime date = epoch()) {
  std::string items;
  for (const auto& r : runs) items += (items.empty() ? "" : ",") + r.json();
  return answer(200, R"({"total_count":)" + std::to_string(runs.size()) + R"(,"workflow_runs":[)" + items + "]}",
                {{"date", http_date(date)}});
}

inline HttpResponse run_answer(const FakeRun& r, const std::string& etag = "") {
  std::vector<std::pair<std::string, std::string>> h;
  if (!etag.empty()) h.emplace_back("etag", etag);
  return answer(200, r.json(), h);
}

inline HttpResponse dispatch_details(long long id) {
  std::string t = std::to_string(id);
  return answer(200, R"({"workflow_run_id":)" + t + R"(,"run_url":"https://api.example.test/repos/o/r/actions/runs/)" +
                         t + R"(","html_url":"https://github.example.test/o/r/actions/runs/)" + t + R"("})");
}

/// "dispatch", "list", "get", "cancel" or "other".
inline std::string route_of(const HttpRequest& r) {
  if (r.method == "POST" && r.url.find("/dispatches") != std::string::npos) return "dispatch";
  if (r.method == "POST" && r.url.find("/cancel") != std::string::npos) return "cancel";
  if (r.method == "GET" && r.url.find("/actions/workflows/") != std::string::npos) return "list";
  if (r.method == "GET" && r.url.find("/actions/runs/") != std::string::npos) return "get";
  return "other";
}

/// Answers each request from its route's script (first in, first out);
/// when a route's script is empty, from the route's fallback, else fails
/// the test. Records every request.
class FakeHttp : public services::HttpClient {
 public:
  using Responder = std::function<HttpResponse(const HttpRequest&)>;

  void script(const std::string& route, HttpResponse r) {
    std::lock_guard<std::mutex> l(mu_);
    scripts_[route].push_back(std::move(r));
  }
  void fallback(const std::string& route, Responder f) {
    std::lock_guard<std::mutex> l(mu_);
    fallbacks_[route] = std::move(f);
  }
  HttpResponse send(const HttpRequest& request, const core::CancelToken& cancel) override {
    Responder f;
    {
      std::lock_guard<std::mutex> l(mu_);
      sent_.push_back(request);
      if (cancel.cancelled()) {
        HttpResponse r;
        r.error = "cancelled";
        r.cancelled = true;
        r.request_sent = false;
        return r;
      }
      auto& q = scripts_[route_of(request)];
      if (!q.empty()) {
        HttpResponse r = q.front();
        q.pop_front();
        return r;
      }
      auto it = fallbacks_.find(route_of(request));
      if (it != fallbacks_.end()) f = it->second;
    }
    if (f) return f(request);
    FAIL_CHECK("unexpected request: " << request.method << " " << request.url);
    return transport_error("no answer scripted");
  }
  std::vector<HttpRequest> sent() const {
    std::lock_guard<std::mutex> l(mu_);
    return sent_;
  }
  int count(const std::string& route) const {
    std::lock_guard<std::mutex> l(mu_);
    int n = 0;
    for (const auto& r : sent_)
      if (route_of(r) == route) ++n;
    return n;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::deque<HttpResponse>> scripts_;
  std::map<std::string, Responder> fallbacks_;
  std::vector<HttpRequest> sent_;
};

/// Waits move the fake wall clock and are recorded; nothing sleeps.
/// `cancel_at_sleep` N > 0 cancels the token during the N-th wait.
class FakeClock : public steps::gh::StepClock {
 public:
  SystemTime now() const override { return t_; }
  bool sleep_for(Millis d) override {
    if (token_.cancelled()) return false;
    sleeps_.push_back(d);
    t_ += d;
    if (on_sleep_) on_sleep_(static_cast<int>(sleeps_.size()));
    if (cancel_at_sleep_ > 0 && static_cast<int>(sleeps_.size()) == cancel_at_sleep_) token_.cancel();
    return !token_.cancelled();
  }
  const core::CancelToken& cancel() const override { return token_; }

  void advance(Millis d) { t_ += d; }
  void cancel_now() { token_.cancel(); }
  void cancel_at_sleep(int n) { cancel_at_sleep_ = n; }
  void on_sleep(std::function<void(int)> f) { on_sleep_ = std::move(f); }
  const std::vector<Millis>& sleeps() const { return sleeps_; }
  Millis slept() const {
    Millis total{0};
    for (auto d : sleeps_) total += d;
    return total;
  }

 private:
  SystemTime t_ = epoch();
  std::vector<Millis> sleeps_;
  core::CancelToken token_;
  int cancel_at_sleep_ = 0;
  std::function<void(int)> on_sleep_;
};

}  // namespace wf::gh_test
