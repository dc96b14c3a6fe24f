#pragma once
// The real HTTP client: libcurl (curl_http_client.h), loaded on first use.

#include <memory>

#include "runner/services/http_client.h"

namespace wf::adapters {

/// The real HttpClient: make_curl_http_client()'s, loaded from the module
/// wf-http.so (module_loader.h) on the first send(), so that a wf that sends
/// no request never loads libcurl. Creating it costs nothing. When the
/// module cannot be loaded, send() throws ModuleLoadError, whose message
/// names the file and the reason (a step fails with it).
std::unique_ptr<services::HttpClient> make_http_client();

}  // namespace wf::adapters
