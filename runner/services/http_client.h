#pragma once
// Sending HTTP requests: the seam between step types and the network. The
// real adapter (runner/adapters/http_client.cc) is the only code that
// includes libcurl; tests use a fake (tests/support/fake_http_client.h).

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/core/cancel.h"

namespace wf::services {

struct HttpRequest {
  std::string method = "GET";                                // GET, POST, ...
  std::string url;                                           // absolute, http or https
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given, in order
  std::string body;                                          // sent when not empty (or for POST)
  std::chrono::milliseconds timeout{30000};                  // the whole exchange, connect included
};

struct HttpResponse {
  /// False: no complete HTTP answer arrived (refused, reset, timeout, an
  /// empty reply, cancelled); `error` says why, in the transport's words.
  bool transport_ok = false;
  std::string error;
  /// For a transport failure: false only when it is certain that no byte of
  /// the request left this machine (name resolution, connection or TLS
  /// handshake failed, or cancelled before sending). True otherwise: the
  /// server may have received and acted on the request.
  bool request_sent = true;
  bool cancelled = false;                                    // the cancel token stopped it
  int status = 0;                                            // valid when transport_ok
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order of arrival
  std::string body;

  /// The first header with that name (ASCII case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k.size() != name.size()) continue;
      bool same = true;
      for (size_t i = 0; i < k.size() && same; ++i) {
        char a = k[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = a == b;
      }
      if (same) return &v;
    }
    return nullptr;
  }
};

/// Sends one request and waits for its whole answer; never throws for
/// network problems (they are HttpResponse::transport_ok == false). No
/// retries: whether a request may be sent again is the caller's decision
/// (a POST that timed out may have been acted on). Redirects are followed
/// (Authorization is not sent to another host). Implementations never log
/// credentials: wf's debug log shows the method, URL and status, and at
/// trace level the headers, credential values redacted. Thread-safe: send() may be called
/// from several threads at once.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Cancellation (the token, from any thread) aborts the exchange promptly:
  /// transport_ok = false, cancelled = true. A token cancelled before the
  /// call sends nothing (request_sent = false).
  virtual HttpResponse send(const HttpRequest& request, const core::CancelToken& cancel) = 0;
};

}  // namespace wf::services
