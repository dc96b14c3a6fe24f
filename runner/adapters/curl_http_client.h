#pragma once
// The libcurl HttpClient, kept inside one .cc. wf itself reaches it through
// make_http_client() (http_client.h), which loads it from wf-http.so on first
// use; tests link it directly (library wf_http_curl).

#include <memory>

#include "runner/services/http_client.h"

namespace wf::adapters {

/// The real HttpClient (libcurl, HTTP and HTTPS only, system CA store).
/// Each send() uses its own handles, so concurrent sends share nothing.
/// Cancellation wakes the transfer at once (curl_multi_wakeup), not at the
/// next progress tick. SIGPIPE is blocked in the sending thread for the
/// duration of a send. Nothing is logged, headers included.
std::unique_ptr<services::HttpClient> make_curl_http_client();

}  // namespace wf::adapters
