// The backend of core::log that wf installs: spdlog's (spdlog_log_backend.cc),
// loaded from wf-log.so by the first message or file, so that a command
// that logs nothing never loads spdlog and fmt.

#include "runner/adapters/log_backend.h"

#include <cstdio>
#include <mutex>

#include "runner/adapters/module_loader.h"

namespace wf::adapters {

namespace {

using core::log::Level;

class LazyBackend : public core::log::Backend {
 public:
  void write(Level level, std::string_view message, bool to_stderr, bool to_file) override {
    if (core::log::Backend* b = backend()) return b->write(level, message, to_stderr, to_file);
    if (to_stderr) std::fprintf(stderr, "wf: %.*s\n", static_cast<int>(message.size()), message.data());
  }

  bool open_file(const std::string& path) override {
    core::log::Backend* b = backend();
    return b && b->open_file(path);
  }

  void close_file() override {
    if (core::log::Backend* b = backend()) b->close_file();
  }

 private:
  // nullptr when the module cannot be loaded: the log is not worth failing
  // a command for (said once on stderr, then messages go there bare).
  core::log::Backend* backend() {
    try {
      return &backend_.get();
    } catch (const ModuleLoadError& e) {
      std::call_once(warned_, [&] { std::fprintf(stderr, "wf: warning: %s\n", e.what()); });
      return nullptr;
    }
  }

  LazyModuleObject<core::log::Backend> backend_{"wf-log.so", "wf_log_backend_v1", "its log (spdlog)"};
  std::once_flag warned_;
};

}  // namespace

void install_log_backend(Level stderr_level) {
  static LazyBackend backend;
  core::log::install(&backend, stderr_level);
}

}  // namespace wf::adapters
