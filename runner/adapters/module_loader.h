#pragma once
// wf's modules: the adapters over heavy libraries (libcurl, libgit2) are
// shared objects that wf loads the first time it needs them, so a command
// that never sends a request or opens a repository does not pay for loading
// those libraries and their ~35 dependencies (most of `wf --version`'s time
// before). A module lies next to the wf binary (the build tree) or in
// ../lib/wf/ relative to it (an install: bin/wf, lib/wf/wf-http.so).
// A module finds wf's core functions in the wf binary, which exports them
// (module_exports.list): it must come from the same build as the binary.

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace wf::adapters {

/// A module that cannot be loaded; what() names the file and says why
/// (the dynamic loader's message).
class ModuleLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where modules are looked for, in order: the folder of the running binary
/// (/proc/self/exe), then ../lib/wf/ relative to it. Empty when the binary's
/// path cannot be read.
std::vector<std::string> module_dirs();

/// The address of `symbol` in the module `file` (e.g. "wf-http.so") from the
/// first of module_dirs() that has the file. The module stays loaded until
/// exit. `purpose` (e.g. "HTTP requests (libcurl)") goes into the error.
/// Throws ModuleLoadError. Thread-safe.
void* module_symbol(const std::string& file, const std::string& symbol, const std::string& purpose);

/// The object that a module's factory `extern "C" T* symbol()` makes, made
/// on the first get(). get() throws ModuleLoadError, every time, when the
/// module cannot be loaded. Thread-safe.
template <class T>
class LazyModuleObject {
 public:
  LazyModuleObject(std::string file, std::string symbol, std::string purpose)
      : file_(std::move(file)), symbol_(std::move(symbol)), purpose_(std::move(purpose)) {}

  T& get() {
    std::call_once(once_, [this] {
      try {
        auto make = reinterpret_cast<T* (*)()>(module_symbol(file_, symbol_, purpose_));
        object_.reset(make());
      } catch (const ModuleLoadError& e) {
        error_ = e.what();
      }
    });
    if (!object_) throw ModuleLoadError(error_);
    return *object_;
  }

 private:
  std::string file_, symbol_, purpose_;
  std::once_flag once_;
  std::unique_ptr<T> object_;
  std::string error_;
};

}  // namespace wf::adapters
