#include "tests/support/fake_http_client.h"

#include <catch2/catch.hpp>

namespace wf::test {

using services::HttpRequest;
using services::HttpResponse;

HttpResponse http_answer(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse r;
  r.transport_ok = true;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpResponse transport_error(std::string error, bool sent) {
  HttpResponse r;
  r.transport_ok = false;
  r.error = std::move(error);
  r.request_sent = sent;
  return r;
}

FakeHttpClient::FakeHttpClient(Router router) : router_(std::move(router)) {
  if (!router_)
    router_ = [](const HttpRequest& r) { return r.method + " " + r.url.substr(0, r.url.find('?')); };
}

void FakeHttpClient::script(const std::string& route, HttpResponse r) {
  std::lock_guard<std::mutex> l(mu_);
  scripts_[route].push_back(std::move(r));
}

void FakeHttpClient::fallback(const std::string& route, Responder f) {
  std::lock_guard<std::mutex> l(mu_);
  fallbacks_[route] = std::move(f);
}

HttpResponse FakeHttpClient::send(const HttpRequest& request, const core::CancelToken& cancel) {
  Responder f;
  std::string route = router_(request);
  {
    std::lock_guard<std::mutex> l(mu_);
    sent_.push_back(request);
    if (cancel.cancelled()) {
      HttpResponse r = transport_error("cancelled", false);
      r.cancelled = true;
      return r;
    }
    auto& q = scripts_[route];
    if (!q.empty()) {
      HttpResponse r = q.front();
      q.pop_front();
      return r;
    }
    auto it = fallbacks_.find(route);
    if (it != fallbacks_.end()) f = it->second;
  }
  // Outside the lock: a fallback may look at sent() or script more answers.
  if (f) return f(request);
  FAIL_CHECK("unexpected request: " << request.method << " " << request.url);
  return transport_error("no answer scripted");
}

std::vector<HttpRequest> FakeHttpClient::sent() const {
  std::lock_guard<std::mutex> l(mu_);
  return sent_;
}

int FakeHttpClient::count(const std::string& route) const {
  int n = 0;
  for (const auto& r : sent())
    if (router_(r) == route) ++n;
  return n;
}

}  // namespace wf::test
