#pragma once
// GitHub for gh-dispatch's unit tests: the shared fakes (tests/support)
// routed and started the way these tests need them, and GitHub-shaped
// answers.

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "runner/core/cancel.h"
#include "runner/core/json.h"
#include "runner/services/http_client.h"
#include "steps/gh_dispatch/github_time.h"
#include "tests/support/fake_http_client.h"
#include "tests/support/recording_clock.h"

namespace wf::gh_test {

using services::HttpRequest;
using services::HttpResponse;
using Millis = std::chrono::milliseconds;
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
  return test::http_answer(status, std::move(body), std::move(headers));
}

using test::transport_error;

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

/// The fake HTTP client, routed by route_of().
class FakeHttp : public test::FakeHttpClient {
 public:
  FakeHttp() : test::FakeHttpClient(&wf::gh_test::route_of) {}
};

/// The step's clock and its cancel token: virtual time from epoch(), every
/// wait recorded. `cancel_at_sleep` N > 0 cancels the token during the N-th wait.
class FakeClock : public test::RecordingClock {
 public:
  FakeClock() : test::RecordingClock(epoch()) {}
  const core::CancelToken& cancel() const { return token_; }
  void cancel_now() { token_.cancel(); }
  void cancel_at_sleep(int n) {
    on_sleep([this, n](int k) {
      if (k == n) token_.cancel();
    });
  }

 private:
  core::CancelToken token_;
};

}  // namespace wf::gh_test
