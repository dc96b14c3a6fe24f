#pragma once
// The real HTTP client: libcurl, kept inside one .cc.

#include <memory>

#include "runner/services/http_client.h"

namespace wf::adapters {

/// The real HttpClient (libcurl, HTTP and HTTPS only, system CA store).
/// Each send() uses its own handles, so concurrent sends share nothing.
/// Cancellation wakes the transfer at once (curl_multi_wakeup), not at the
/// next progress tick. SIGPIPE is blocked in the sending thread for the
/// duration of a send. Nothing is logged, headers included.
std::unique_ptr<services::HttpClient> make_http_client();

}  // namespace wf::adapters
