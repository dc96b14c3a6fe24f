#pragma once
// An HttpClient for step tests: answers each request from its route's
// script (first in, first out), else from the route's fallback, else fails
// the test; records every request. No network.

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runner/services/http_client.h"

namespace wf::test {

/// An answer that arrived: `status`, `body`, `headers` (names lower-case).
services::HttpResponse http_answer(int status, std::string body = "",
                                   std::vector<std::pair<std::string, std::string>> headers = {});
/// No answer (refused, reset, timed out): `sent` false when nothing left this machine.
services::HttpResponse transport_error(std::string error, bool sent = true);

class FakeHttpClient : public services::HttpClient {
 public:
  using Router = std::function<std::string(const services::HttpRequest&)>;
  using Responder = std::function<services::HttpResponse(const services::HttpRequest&)>;

  /// `router` names a request's route (e.g. "dispatch"); by default
  /// "METHOD URL-without-query".
  explicit FakeHttpClient(Router router = {});

  /// The next answer on `route`.
  void script(const std::string& route, services::HttpResponse r);
  /// The answer on `route` once its script is used up.
  void fallback(const std::string& route, Responder f);

  /// A cancelled token sends nothing (cancelled, request_sent false).
  /// An unscripted route fails the current test.
  services::HttpResponse send(const services::HttpRequest& request, const core::CancelToken& cancel) override;

  std::vector<services::HttpRequest> sent() const;
  /// How many requests went to `route`.
  int count(const std::string& route) const;
  std::string route_of(const services::HttpRequest& r) const { return router_(r); }

 private:
  Router router_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<services::HttpResponse>> scripts_;
  std::map<std::string, Responder> fallbacks_;
  std::vector<services::HttpRequest> sent_;
};

}  // namespace wf::test
