#include "runner/adapters/http_client.h"

#include "runner/adapters/module_loader.h"

namespace wf::adapters {

namespace {

class LazyHttpClient : public services::HttpClient {
 public:
  services::HttpResponse send(const services::HttpRequest& request, const core::CancelToken& cancel) override {
    return client_.get().send(request, cancel);
  }

 private:
  LazyModuleObject<services::HttpClient> client_{"wf-http.so", "wf_http_client_v1", "HTTP requests (libcurl)"};
};

}  // namespace

std::unique_ptr<services::HttpClient> make_http_client() { return std::make_unique<LazyHttpClient>(); }

}  // namespace wf::adapters
