#include "steps/gh_dispatch/github_api.h"

#include <cmath>

#include "runner/core/duration.h"
#include "runner/core/json.h"

namespace wf::steps::gh {

using core::Value;

namespace {

constexpr const char* kApiVersion = "2022-11-28";

std::string string_field(const Value& v, const char* name) {
  const Value* f = v.find(name);
  return f && f->is_string() ? f->as_string() : std::string();
}

// A GitHub id: a whole number from 1 to 2^53 (JSON numbers are doubles here;
// GitHub's ids stay far below). Anything else is no id, never a cast out of
// long long's range (fuzz_github_response found 1.2e45).
std::optional<long long> id_field(const Value& v, const char* name) {
  const Value* f = v.find(name);
  if (!f || !f->is_number()) return std::nullopt;
  const double d = f->as_number();
  if (!(d >= 1 && d <= 9007199254740992.0) || d != std::floor(d)) return std::nullopt;
  return static_cast<long long>(d);
}

ApiError malformed(const std::string& what, const services::HttpResponse& r) {
  ApiError e;
  e.failure_class = core::FailureClass::kTransient;
  e.status = r.status;
  e.message = "unexpected answer to " + what + " (HTTP " + std::to_string(r.status) + ")";
  return e;
}

}  // namespace

std::optional<WorkflowRun> parse_run(const Value& v) {
  auto id = id_field(v, "id");
  if (!v.is_object() || !id) return std::nullopt;
  WorkflowRun r;
  r.id = *id;
  r.status = string_field(v, "status");
  r.conclusion = string_field(v, "conclusion");
  r.event = string_field(v, "event");
  r.head_branch = string_field(v, "head_branch");
  r.created_at = string_field(v, "created_at");
  r.url = string_field(v, "url");
  r.html_url = string_field(v, "html_url");
  return r;
}

GitHubApi::GitHubApi(services::HttpClient& http, core::Clock& clock, const core::CancelToken& cancel, Config config)
    : http_(http), clock_(clock), cancel_(cancel), config_(std::move(config)) {}

std::string GitHubApi::repo_path(const DispatchParams& p) const {
  return "/repos/" + url_encode(p.owner) + "/" + url_encode(p.name);
}

services::HttpResponse GitHubApi::send(const std::string& method, const std::string& path, const std::string& body,
                                       const std::vector<std::pair<std::string, std::string>>& extra,
                                       const core::CancelToken& cancel, Millis timeout) {
  std::optional<SystemTime> reset;
  {
    std::lock_guard<std::mutex> l(mu_);
    reset = quota_reset_;
  }
  // Requests on the step's own token wait for the quota; the clean-up after
  // cancellation (its own token) does not wait.
  if (reset && &cancel == &cancel_) {
    auto wait = std::chrono::duration_cast<Millis>(*reset - clock_.wall_now());
    if (wait.count() > 0) {
      if (config_.log)
        config_.log("the API quota is used up: waiting " + core::format_duration(wait) + " for its reset");
      if (!clock_.sleep_for(wait, cancel_)) {
        services::HttpResponse r;
        r.cancelled = true;
        r.request_sent = false;
        r.error = "cancelled";
        return r;
      }
    }
  }
  services::HttpRequest req;
  req.method = method;
  req.url = config_.api_url + path;
  req.headers = {{"Accept", "application/vnd.github+json"},
                 {"Authorization", "Bearer " + config_.token},
                 {"X-GitHub-Api-Version", kApiVersion},
                 {"User-Agent", "wf-gh-dispatch"}};
  if (method != "GET") req.headers.emplace_back("Content-Type", "application/json");
  for (const auto& h : extra) req.headers.push_back(h);
  req.body = body;
  req.timeout = timeout;
  services::HttpResponse r = http_.send(req, cancel);
  if (r.transport_ok) {
    auto wait = quota_wait(r, clock_.wall_now());
    std::lock_guard<std::mutex> l(mu_);
    if (wait)
      quota_reset_ = clock_.wall_now() + *wait;
    else if (r.header("x-ratelimit-remaining"))
      quota_reset_.reset();
  }
  return r;
}

ApiError GitHubApi::error_of(const Classified& c) const {
  ApiError e;
  e.failure_class = failure_class_of(c.verdict);
  e.status = c.status;
  e.message = c.message;
  e.wait = c.wait;
  e.maybe_acted = c.maybe_acted;
  return e;
}

ApiResult<DispatchAnswer> GitHubApi::dispatch(const DispatchParams& p, bool return_run_details) {
  Value::Object body{{"ref", p.ref}};
  if (!p.inputs.empty()) {
    Value::Object inputs;
    for (const auto& [k, v] : p.inputs) inputs.emplace_back(k, v);
    body.emplace_back("inputs", Value(std::move(inputs)));
  }
  if (return_run_details) body.emplace_back("return_run_details", true);
  auto r = send("POST", repo_path(p) + "/actions/workflows/" + url_encode(p.workflow) + "/dispatches",
                core::to_json(Value(std::move(body))), {}, cancel_, config_.timing.request_timeout);
  Classified c = classify_response(r, clock_.wall_now(), config_.timing.secondary_limit_wait);
  if (c.verdict != Verdict::kOk) return core::unexpected(error_of(c));
  DispatchAnswer a;
  if (r.status == 204 || r.body.empty()) return a;
  // The run was created: even an answer we cannot read does not make this a failure.
  auto v = core::parse_json(r.body);
  if (v && v->is_object()) {
    a.run_id = id_field(*v, "workflow_run_id");
    a.run_url = string_field(*v, "run_url");
    a.html_url = string_field(*v, "html_url");
  }
  return a;
}

ApiResult<RunList> GitHubApi::list_dispatch_runs(const DispatchParams& p, const std::string& created_since,
                                                 int per_page, bool detached) {
  std::string path = repo_path(p) + "/actions/workflows/" + url_encode(p.workflow) +
                     "/runs?event=workflow_dispatch&branch=" + url_encode(p.branch);
  if (!created_since.empty()) path += "&created=" + url_encode(">=" + created_since);
  path += "&per_page=" + std::to_string(per_page);
  core::CancelToken own;
  auto r = detached ? send("GET", path, "", {}, own, config_.timing.cancel_timeout)
                    : send("GET", path, "", {}, cancel_, config_.timing.request_timeout);
  Classified c = classify_response(r, clock_.wall_now(), config_.timing.secondary_limit_wait);
  if (c.verdict != Verdict::kOk) return core::unexpected(error_of(c));
  auto v = core::parse_json(r.body);
  const Value* runs = v ? v->find("workflow_runs") : nullptr;
  if (!runs || !runs->is_array()) return core::unexpected(malformed("the list of runs", r));
  RunList list;
  for (const auto& item : runs->as_array())
    if (auto run = parse_run(item)) list.runs.push_back(std::move(*run));
  if (const std::string* d = r.header("date")) list.server_time = parse_http_date(*d);
  return list;
}

ApiResult<RunPoll> GitHubApi::get_run(const DispatchParams& p, long long id, const std::string& etag) {
  std::vector<std::pair<std::string, std::string>> extra;
  if (!etag.empty()) extra.emplace_back("If-None-Match", etag);
  auto r = send("GET", repo_path(p) + "/actions/runs/" + std::to_string(id), "", extra, cancel_,
                config_.timing.request_timeout);
  Classified c = classify_response(r, clock_.wall_now(), config_.timing.secondary_limit_wait);
  RunPoll poll;
  if (c.verdict == Verdict::kNotModified) {
    poll.not_modified = true;
    poll.etag = etag;
    poll.quota_wait = quota_wait(r, clock_.wall_now());
    return poll;
  }
  if (c.verdict != Verdict::kOk) return core::unexpected(error_of(c));
  auto v = core::parse_json(r.body);
  auto run = v ? parse_run(*v) : std::nullopt;
  if (!run) return core::unexpected(malformed("the run", r));
  poll.run = *run;
  if (const std::string* e = r.header("etag")) poll.etag = *e;
  poll.quota_wait = quota_wait(r, clock_.wall_now());
  return poll;
}

ApiResult<bool> GitHubApi::cancel_run(const DispatchParams& p, long long id) {
  core::CancelToken own;  // the step's token is already cancelled when this is needed
  auto r = send("POST", repo_path(p) + "/actions/runs/" + std::to_string(id) + "/cancel", "", {}, own,
                config_.timing.cancel_timeout);
  Classified c = classify_response(r, clock_.wall_now(), config_.timing.secondary_limit_wait);
  if (c.verdict == Verdict::kOk) return true;
  if (c.status == 409) return false;
  return core::unexpected(error_of(c));
}

}  // namespace wf::steps::gh
