#include "runner/adapters/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>

namespace wf::adapters {

namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::vector<std::string> module_dirs() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  std::string bin = parent_of(std::string(buf, static_cast<size_t>(n)));
  return {bin, parent_of(bin) + "/lib/wf"};
}

void* module_symbol(const std::string& file, const std::string& symbol, const std::string& purpose) {
  std::vector<std::string> dirs = module_dirs();
  if (dirs.empty()) throw ModuleLoadError("cannot load " + file + " for " + purpose + ": /proc/self/exe is unreadable");
  std::string path;
  for (const auto& d : dirs)
    if (access((d + "/" + file).c_str(), F_OK) == 0) {
      path = d + "/" + file;
      break;
    }
  bool found = !path.empty();
  if (!found) path = dirs[0] + "/" + file;  // for dlopen's own words
  // RTLD_NOW: a symbol missing in the module's libraries is reported here,
  // not as a crash in the middle of a step.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    std::string what = "cannot load " + path + (found ? "" : " (nor " + dirs[1] + "/" + file + ")") +
                       ", which wf needs for " + purpose + ": " + (why ? why : "unknown error");
    // Found but not loadable: dlerror() names the library that is missing.
    throw ModuleLoadError(found ? what : what + " (install wf with its modules: bin/wf and lib/wf/*.so)");
  }
  dlerror();
  void* address = dlsym(handle, symbol.c_str());
  if (!address) {
    const char* why = dlerror();
    throw ModuleLoadError(path + " is not a module of this wf (" + (why ? why : symbol + " missing") +
                          "): install wf and its modules from the same build");
  }
  return address;
}

}  // namespace wf::adapters
