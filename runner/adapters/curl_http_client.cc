// The libcurl adapter: the only code that includes curl.

#include "runner/core/strings.h"
#include "runner/adapters/curl_http_client.h"
#include "runner/adapters/http_headers.h"
#include "runner/core/log.h"

#include <curl/curl.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cerrno>
#include <ctime>
#include <memory>
#include <mutex>

namespace wf::adapters {

namespace {

using services::HttpRequest;
using services::HttpResponse;

constexpr size_t kMaxBody = 32u << 20;  // answers of the APIs wf talks to are far smaller

// A write to a socket the peer closed raises SIGPIPE. libcurl uses
// MSG_NOSIGNAL where it can, but TLS libraries may not; with CURLOPT_NOSIGNAL
// (needed with threads) curl leaves SIGPIPE to us. Block it in this thread
// while curl runs, then swallow one that became pending, so wf is never
// killed by a dropped connection and other threads' masks are untouched.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pipe, pending;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) && !sigismember(&old_, SIGPIPE)) {
      timespec zero{0, 0};
      while (sigtimedwait(&pipe, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
};

// What the cancel callback may touch: the multi handle, only while it lives.
struct Waker {
  std::mutex mu;
  CURLM* multi = nullptr;
  void wake() {
    std::lock_guard<std::mutex> l(mu);
    if (multi) curl_multi_wakeup(multi);
  }
  void detach() {
    std::lock_guard<std::mutex> l(mu);
    multi = nullptr;
  }
};

struct Transfer {
  HttpResponse* response = nullptr;
  const core::CancelToken* cancel = nullptr;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->response->body.size() + len > kMaxBody) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer
  }
  t->response->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  add_header_line(std::string_view(data, len), t->response->headers);
  return len;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancel->cancelled() ? 1 : 0;
}

// Failures that happen before any byte of the request leaves this machine.
bool before_sending(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      return true;
    default:
      return false;
  }
}

using CurlHeaders = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

CurlHeaders header_list(const HttpRequest& request) {
  curl_slist* list = nullptr;
  for (const auto& [k, v] : request.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  // curl would add "Expect: 100-continue" to larger POSTs; GitHub does not need the extra round trip.
  list = curl_slist_append(list, "Expect:");
  return CurlHeaders(list, curl_slist_free_all);
}

// Sets every option of one request; false when this libcurl refuses one.
bool configure(CURL* e, const HttpRequest& request, curl_slist* headers, Transfer& transfer, char* error) {
  bool ok = true;
  auto set = [&](CURLoption option, auto value) { ok = ok && curl_easy_setopt(e, option, value) == CURLE_OK; };
  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  set(CURLOPT_FOLLOWLOCATION, 1L);
  set(CURLOPT_MAXREDIRS, 5L);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_HTTPHEADER, headers);
  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.c_str());
    // POST is what POSTFIELDS implies; any other method is named (and kept across redirects).
    if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  long total_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  set(CURLOPT_TIMEOUT_MS, total_ms);
  set(CURLOPT_CONNECTTIMEOUT_MS, std::min<long>(total_ms, 15000));
  set(CURLOPT_ACCEPT_ENCODING, "");  // whatever this curl decodes
  set(CURLOPT_WRITEFUNCTION, on_body);
  set(CURLOPT_WRITEDATA, &transfer);
  set(CURLOPT_HEADERFUNCTION, on_header);
  set(CURLOPT_HEADERDATA, &transfer);
  set(CURLOPT_NOPROGRESS, 0L);
  set(CURLOPT_XFERINFOFUNCTION, on_progress);
  set(CURLOPT_XFERINFODATA, &transfer);
  set(CURLOPT_ERRORBUFFER, error);
  return ok;
}

// Runs the transfer on a multi handle so that a cancel wakes it at once.
CURLcode perform(CURLM* multi, CURL* e, const core::CancelToken& cancel) {
  if (curl_multi_add_handle(multi, e) != CURLM_OK) return CURLE_FAILED_INIT;
  auto waker = std::make_shared<Waker>();
  waker->multi = multi;
  CURLcode result = CURLE_OK;
  {
    core::CancelRegistration wake_on_cancel(cancel, [waker] { waker->wake(); });
    for (bool done = false; !done;) {
      int running = 0;
      if (curl_multi_perform(multi, &running) != CURLM_OK) {
        result = CURLE_FAILED_INIT;
        break;
      }
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg == CURLMSG_DONE) {
          result = msg->data.result;
          done = true;
        }
      }
      if (done) break;
      if (cancel.cancelled()) {
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    waker->detach();
  }
  curl_multi_remove_handle(multi, e);
  return result;
}

// Fills in how a transfer that did not complete failed.
void describe_failure(CURL* e, CURLcode result, const Transfer& transfer, const char* error,
                      const core::CancelToken& cancel, HttpResponse& response) {
  long request_size = 0;
  if (curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &request_size) != CURLE_OK) request_size = 0;
  response.request_sent = request_size > 0 && !before_sending(result);
  if (cancel.cancelled() && result == CURLE_ABORTED_BY_CALLBACK) {
    response.cancelled = true;
    response.error = "cancelled";
  } else if (transfer.too_large) {
    response.error = "answer larger than " + std::to_string(kMaxBody >> 20) + " MiB";
  } else {
    response.error = error[0] ? std::string(error) : std::string(curl_easy_strerror(result));
  }
  response.headers.clear();
  response.body.clear();
}

namespace log = core::log;

// The request in wf's debug log: method and URL, credentials redacted; its
// headers at trace level, with their credential values redacted.
void log_request(const HttpRequest& request) {
  if (!log::enabled(log::Level::kDebug)) return;
  log::debug("HTTP " + request.method + " " + url_for_log(request.url) +
             (request.body.empty() ? "" : " (" + std::to_string(request.body.size()) + " bytes)"));
  if (!log::enabled(log::Level::kTrace)) return;
  for (const auto& [k, v] : request.headers) log::trace("HTTP > " + header_for_log(k, v));
}

void log_response(const HttpRequest& request, const HttpResponse& response, std::chrono::steady_clock::time_point start) {
  if (!log::enabled(log::Level::kDebug)) return;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  std::string what = response.transport_ok ? std::to_string(response.status)
                                           : "failed (" + response.error + (response.request_sent ? "" : ", not sent") + ")";
  log::debug("HTTP " + what + " " + request.method + " " + url_for_log(request.url) + " in " + std::to_string(ms) + "ms");
  if (!log::enabled(log::Level::kTrace)) return;
  for (const auto& [k, v] : response.headers) log::trace("HTTP < " + header_for_log(k, v));
}

class CurlHttpClient : public services::HttpClient {
 public:
  HttpResponse send(const HttpRequest& request, const core::CancelToken& cancel) override {
    log_request(request);
    auto start = std::chrono::steady_clock::now();
    HttpResponse response = exchange(request, cancel);
    log_response(request, response, start);
    return response;
  }

 private:
  HttpResponse exchange(const HttpRequest& request, const core::CancelToken& cancel) {
    HttpResponse response;
    response.request_sent = false;
    if (cancel.cancelled()) {
      response.error = "cancelled";
      response.cancelled = true;
      return response;
    }
    SigpipeBlock no_sigpipe;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), curl_easy_cleanup);
    std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(), curl_multi_cleanup);
    CurlHeaders headers = header_list(request);
    Transfer transfer{&response, &cancel};
    char error[CURL_ERROR_SIZE] = {0};
    if (!easy || !multi || !headers || !configure(easy.get(), request, headers.get(), transfer, error)) {
      response.error = "cannot set up libcurl for " + request.method + " " + request.url;
      return response;
    }
    CURLcode result = perform(multi.get(), easy.get(), cancel);
    if (result != CURLE_OK) {
      describe_failure(easy.get(), result, transfer, error, cancel, response);
      return response;
    }
    long status = 0;
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    response.transport_ok = true;
    response.request_sent = true;
    response.status = static_cast<int>(status);
    return response;
  }
};

}  // namespace

std::unique_ptr<services::HttpClient> make_curl_http_client() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<CurlHttpClient>();
}

}  // namespace wf::adapters

// The entry point of wf-http.so (module_loader.h).
extern "C" wf::services::HttpClient* wf_http_client_v1() { return wf::adapters::make_curl_http_client().release(); }
