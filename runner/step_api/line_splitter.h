#pragma once
// Splitting a process's output chunks into lines for StepLog.

#include <functional>
#include <string>
#include <string_view>

namespace wf::step_api {

/// Calls `on_line` for each complete line (without "\n" or a trailing "\r");
/// flush() emits a last partial line. Not thread-safe: one per stream.
class LineSplitter {
 public:
  explicit LineSplitter(std::function<void(std::string_view)> on_line) : on_line_(std::move(on_line)) {}
  void write(std::string_view chunk);
  void flush();

 private:
  std::function<void(std::string_view)> on_line_;
  std::string partial_;
};

}  // namespace wf::step_api
