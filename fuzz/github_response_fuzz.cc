// The GitHub client's reading of HTTP answers: the curl adapter's header
// lines (add_header_line), then what gh-dispatch makes of an answer —
// classify_response (status, Retry-After, x-ratelimit-*, Date),
// quota_wait, github_message, the run objects — and the four GitHubApi
// calls answered with it by a fake HttpClient on a manual clock. No
// network. Property: never crashes.
//
// Input: two bytes of status (100..599; a status byte 0xff is a transport
// failure), then the raw header block up to the first empty line, then the
// body.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runner/adapters/http_headers.h"
#include "runner/core/cancel.h"
#include "runner/core/clock.h"
#include "runner/core/json.h"
#include "steps/gh_dispatch/github_api.h"
#include "steps/gh_dispatch/rate_limit.h"

namespace {

using wf::services::HttpRequest;
using wf::services::HttpResponse;
namespace gh = wf::steps::gh;

class ReplayClient : public wf::services::HttpClient {
 public:
  explicit ReplayClient(const HttpResponse& r) : r_(r) {}
  HttpResponse send(const HttpRequest&, const wf::core::CancelToken&) override { return r_; }

 private:
  const HttpResponse& r_;
};

HttpResponse response_of(std::string_view in) {
  HttpResponse r;
  if (in.size() < 2) return r;
  r.transport_ok = static_cast<uint8_t>(in[0]) != 0xff;
  r.status = 100 + (static_cast<uint8_t>(in[0]) * 256 + static_cast<uint8_t>(in[1])) % 500;
  if (!r.transport_ok) r.error = "Connection reset by peer";
  in.remove_prefix(2);
  // curl hands the header callback one line at a time, CRLF included.
  wf::adapters::add_header_line("HTTP/1.1 200 OK\r\n", r.headers);
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl == std::string_view::npos ? in.size() : nl + 1);
    in.remove_prefix(line.size());
    wf::adapters::add_header_line(line, r.headers);
    if (line == "\r\n" || line == "\n") break;
  }
  r.body = std::string(in);
  return r;
}

void use_api(const HttpResponse& r) {
  ReplayClient http(r);
  wf::core::ManualClock clock;
  wf::core::CancelToken cancel;
  gh::GitHubApi api(http, clock, cancel, {"https://api.github.com", "token", {}, {}});
  gh::DispatchParams p;
  p.api_url = "https://api.github.com";
  p.owner = "o";
  p.name = "r";
  p.workflow = "deploy.yaml";
  p.ref = p.branch = "main";
  p.inputs = {{"a", "b"}};
  (void)api.dispatch(p, true);
  (void)api.list_dispatch_runs(p, "2026-01-01T00:00:00Z", 10);
  (void)api.get_run(p, 42, "\"etag\"");
  (void)api.cancel_run(p, 42);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HttpResponse r = response_of(std::string_view(reinterpret_cast<const char*>(data), size));
  auto now = gh::SystemTime(std::chrono::seconds(1'800'000'000));
  (void)gh::classify_response(r, now, gh::Millis(60000));
  (void)gh::quota_wait(r, now);
  (void)gh::github_message(r.body);
  for (const auto& [k, v] : r.headers) {
    (void)gh::parse_http_date(v);
    (void)gh::parse_iso8601(v);
  }
  if (auto v = wf::core::parse_json(r.body)) {
    (void)gh::parse_run(*v);
    if (v->is_object())
      if (const auto* runs = v->find("workflow_runs"); runs && runs->is_array())
        for (const auto& run : runs->as_array()) (void)gh::parse_run(run);
  }
  use_api(r);
  return 0;
}
