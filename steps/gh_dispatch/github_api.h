#pragma once
// The few GitHub REST endpoints gh-dispatch uses, over services::HttpClient:
// create a workflow dispatch event, list a workflow's runs, get a run (with
// ETag / If-None-Match), cancel a run. Each call is one request: no retries
// here (whether to send again is the dispatcher's and the executor's call).
// An answer that used up the quota (x-ratelimit-remaining: 0) holds every
// later request back until x-ratelimit-reset, as GitHub asks.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/failure.h"
#include "runner/services/http_client.h"
#include "steps/gh_dispatch/params.h"
#include "steps/gh_dispatch/rate_limit.h"
#include "runner/core/cancel.h"
#include "runner/core/clock.h"

namespace wf::steps::gh {

/// The fields of a workflow run object that wf reads.
struct WorkflowRun {
  long long id = 0;
  std::string status;      // requested, queued, pending, waiting, in_progress, completed
  std::string conclusion;  // when completed: success, failure, cancelled, timed_out, ...
  std::string event;       // workflow_dispatch, push, ...
  std::string head_branch;
  std::string created_at;  // ISO 8601
  std::string url;         // the API URL of the run
  std::string html_url;
};

struct ApiError {
  core::FailureClass failure_class = core::FailureClass::kPermanent;
  int status = 0;              // 0: no HTTP answer
  std::string message;         // one line, never the token
  std::optional<Millis> wait;  // rate limits: how long the server asked to wait
  bool maybe_acted = false;    // see Classified::maybe_acted
};

template <class T>
using ApiResult = core::Expected<T, ApiError>;

struct DispatchAnswer {
  std::optional<long long> run_id;  // from a 200 with return_run_details; none for a 204
  std::string run_url;
  std::string html_url;
};

struct RunList {
  std::vector<WorkflowRun> runs;
  std::optional<SystemTime> server_time;  // the answer's Date
};

struct RunPoll {
  bool not_modified = false;  // 304: `run` is empty, nothing changed
  WorkflowRun run;
  std::string etag;                  // for the next If-None-Match ("" when none)
  std::optional<Millis> quota_wait;  // the quota is used up: no request before this
};

class GitHubApi {
 public:
  struct Config {
    std::string api_url;  // https://api.github.com, or GHES's https://HOST/api/v3
    std::string token;
    Timing timing;
    std::function<void(const std::string&)> log;  // optional: says when it waits for the quota
  };
  /// `http`, `clock` and `cancel` outlive this object. Requests (and the
  /// wait for a used-up quota) stop when `cancel` is cancelled.
  GitHubApi(services::HttpClient& http, core::Clock& clock, const core::CancelToken& cancel, Config config);

  /// POST .../actions/workflows/{workflow}/dispatches {ref, inputs, return_run_details}.
  ApiResult<DispatchAnswer> dispatch(const DispatchParams& p, bool return_run_details);
  /// GET .../actions/workflows/{workflow}/runs?event=workflow_dispatch&branch=B
  /// [&created=>=SINCE]&per_page=N, newest first as GitHub lists them.
  /// `detached`: with a cancel token of its own and Timing::cancel_timeout,
  /// for the clean-up after the step's token was cancelled.
  ApiResult<RunList> list_dispatch_runs(const DispatchParams& p, const std::string& created_since, int per_page,
                                        bool detached = false);
  /// GET .../actions/runs/{id}, conditional on `etag` when not empty.
  ApiResult<RunPoll> get_run(const DispatchParams& p, long long id, const std::string& etag);
  /// POST .../actions/runs/{id}/cancel with a cancel token of its own (it is
  /// sent after the step's token was cancelled) and Timing::cancel_timeout.
  /// true: accepted (202); false: the run had already completed (409).
  ApiResult<bool> cancel_run(const DispatchParams& p, long long id);

 private:
  services::HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                              const std::vector<std::pair<std::string, std::string>>& extra,
                              const core::CancelToken& cancel, Millis timeout);
  ApiError error_of(const Classified& c) const;
  std::string repo_path(const DispatchParams& p) const;

  services::HttpClient& http_;
  core::Clock& clock_;
  const core::CancelToken& cancel_;
  Config config_;
  std::mutex mu_;
  std::optional<SystemTime> quota_reset_;  // no request before this (the quota is used up)
};

/// Reads a run object; nullopt when `v` is not one (no numeric id).
std::optional<WorkflowRun> parse_run(const core::Value& v);

}  // namespace wf::steps::gh
