// The libcurl HttpClient adapter against the GitHub API test server: real
// sockets, real transport failures (refused, empty reply, timeout),
// cancellation, concurrency.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "runner/adapters/curl_http_client.h"
#include "tests/fixtures/github_api/github_api_server.h"
#include "tests/support/command.h"

using namespace wf;
using std::chrono::milliseconds;
using test::Fault;
using test::GitHubApiServer;
using test::Route;

namespace {

services::HttpRequest request(const GitHubApiServer& gh, const std::string& method, const std::string& path,
                              std::string body = "") {
  services::HttpRequest r;
  r.method = method;
  r.url = gh.url() + path;
  r.headers = {{"Authorization", "Bearer " + gh.token()}, {"Accept", "application/vnd.github+json"}};
  r.body = std::move(body);
  r.timeout = milliseconds(5000);
  return r;
}

const char* kList = "/repos/octo-org/deploy-repo/actions/workflows/deploy.yaml/runs";
const char* kDispatch = "/repos/octo-org/deploy-repo/actions/workflows/deploy.yaml/dispatches";

// A port nothing listens on: bound, then closed.
int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("http adapter: an answer with its status, lower-cased headers and body", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  auto r = http->send(request(gh, "GET", kList), cancel);
  REQUIRE(r.transport_ok);
  CHECK(r.status == 200);
  REQUIRE(r.header("Date"));
  REQUIRE(r.header("x-ratelimit-remaining"));
  bool lower = true;
  for (const auto& [k, v] : r.headers)
    for (char c : k) lower = lower && !(c >= 'A' && c <= 'Z');
  CHECK(lower);
  auto body = nlohmann::json::parse(r.body);
  CHECK(body["total_count"] == 0);
}

TEST_CASE("http adapter: a POST body arrives intact, an error status is an answer, not a failure",
          "[gh-dispatch][http]") {
  GitHubApiServer gh;
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  auto ok = http->send(request(gh, "POST", kDispatch, R"({"ref":"main","inputs":{"a":"x y"}})"), cancel);
  REQUIRE(ok.transport_ok);
  CHECK(ok.status == 204);
  CHECK(gh.dispatches() == 1);
  auto no_auth = request(gh, "POST", kDispatch, R"({"ref":"main"})");
  no_auth.headers = {};
  auto r = http->send(no_auth, cancel);
  REQUIRE(r.transport_ok);
  CHECK(r.status == 401);
  CHECK(nlohmann::json::parse(r.body)["message"] == "Bad credentials");
}

TEST_CASE("http adapter: a refused connection is a transport failure known not to have been sent",
          "[gh-dispatch][http]") {
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  services::HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/x";
  r.timeout = milliseconds(2000);
  auto resp = http->send(r, cancel);
  CHECK_FALSE(resp.transport_ok);
  CHECK_FALSE(resp.request_sent);
  CHECK_FALSE(resp.error.empty());
}

TEST_CASE("http adapter: a connection closed without an answer may have been acted on", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  gh.push_fault(Route::kDispatch, Fault::drop_after());
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  auto r = http->send(request(gh, "POST", kDispatch, R"({"ref":"main"})"), cancel);
  CHECK_FALSE(r.transport_ok);
  CHECK(r.request_sent);
  CHECK_THAT(r.error, Catch::Contains("Empty reply"));
  CHECK(gh.dispatches() == 1);
}

TEST_CASE("http adapter: a slow answer ends at the timeout", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  gh.push_fault(Route::kListRuns, Fault::slow_after(milliseconds(3000)));
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  auto req = request(gh, "GET", kList);
  req.timeout = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto r = http->send(req, cancel);
  double s = test::seconds_since(start);
  CHECK_FALSE(r.transport_ok);
  CHECK(r.request_sent);
  CHECK_THAT(r.error, Catch::Contains("timed out"));
  CHECK(s >= 0.25);
  CHECK(s < 2.0);
}

TEST_CASE("http adapter: cancellation ends a pending exchange at once", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  gh.push_fault(Route::kListRuns, Fault::slow_after(milliseconds(5000)));
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(milliseconds(200));
    cancel.cancel();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = http->send(request(gh, "GET", kList), cancel);
  double s = test::seconds_since(start);
  canceller.join();
  CHECK_FALSE(r.transport_ok);
  CHECK(r.cancelled);
  CHECK(s < 1.0);
}

TEST_CASE("http adapter: a token cancelled before the call sends nothing", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  cancel.cancel();
  auto r = http->send(request(gh, "POST", kDispatch, R"({"ref":"main"})"), cancel);
  CHECK(r.cancelled);
  CHECK_FALSE(r.request_sent);
  CHECK(gh.requests(Route::kDispatch) == 0);
}

TEST_CASE("http adapter: sends from several threads at once", "[gh-dispatch][http]") {
  GitHubApiServer gh;
  auto http = adapters::make_curl_http_client();
  core::CancelToken cancel;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 5; ++j)
        if (http->send(request(gh, "GET", kList), cancel).status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == 30);
  CHECK(gh.requests(Route::kListRuns) == 30);
}
