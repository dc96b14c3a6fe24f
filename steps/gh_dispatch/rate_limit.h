#pragma once
// How GitHub answered a request: success, not modified, a rate limit (and
// how long to wait, from Retry-After / x-ratelimit-* as GitHub documents),
// a transient or a permanent failure, with GitHub's own message. Pure.

#include <chrono>
#include <optional>
#include <string>

#include "runner/core/failure.h"
#include "runner/services/http_client.h"
#include "steps/gh_dispatch/github_time.h"

namespace wf::steps::gh {

using Millis = std::chrono::milliseconds;

enum class Verdict { kOk, kNotModified, kRateLimited, kTransient, kPermanent, kCancelled };

struct Classified {
  Verdict verdict = Verdict::kOk;
  int status = 0;              // 0 for a transport failure
  std::string message;         // failures: one line, e.g. "HTTP 404: Not Found"
  std::optional<Millis> wait;  // kRateLimited: how long before another request
  /// A failure after which the server may have acted on the request (the
  /// answer was lost, or a 5xx): the caller cannot tell whether it happened.
  bool maybe_acted = false;
};

/// Classifies an answer of GitHub's REST API.
/// - 2xx: kOk; 304: kNotModified.
/// - 403/429 with Retry-After: rate limited for that long; with
///   x-ratelimit-remaining 0: until x-ratelimit-reset (measured against the
///   answer's Date when present, so a skewed local clock does not matter);
///   a 429, or a 403 whose message says "secondary rate limit", without
///   either header: `secondary_wait` (GitHub: "wait for at least one minute").
/// - Other 403, 400, 401, 404, 409, 410, 422, other 4xx: kPermanent, with GitHub's message.
/// - 408, 5xx: kTransient (a 5xx may have been acted on: maybe_acted).
/// - Transport failures: kTransient (maybe_acted unless nothing was sent);
///   cancelled: kCancelled.
/// `now` is this machine's clock, used when the answer has no Date.
Classified classify_response(const services::HttpResponse& r, SystemTime now, Millis secondary_wait);

/// For an answer that succeeded but used the last request of the quota
/// (x-ratelimit-remaining: 0): how long until x-ratelimit-reset.
std::optional<Millis> quota_wait(const services::HttpResponse& r, SystemTime now);

/// GitHub's error text from an error body ({"message": ..., "errors": [...]}),
/// else the body's first line; at most 300 characters, on one line.
std::string github_message(const std::string& body);

/// The failure class of a failed verdict (kPermanent, kTransient, kRateLimited, kCancelled).
core::FailureClass failure_class_of(Verdict v);

}  // namespace wf::steps::gh
