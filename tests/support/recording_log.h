#pragma once
// A StepLog for step tests: keeps every line and every registered secret.
// Thread-safe, like the executor's.

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runner/step_api/step_type.h"

namespace wf::test {

class RecordingLog : public step_api::StepLog {
 public:
  void line(Stream stream, std::string_view text) override;
  void add_secret(std::string_view value) override;

  /// Every line so far, in order.
  std::vector<std::string> lines() const;
  /// Every line so far, each followed by a newline.
  std::string text() const;
  /// Whether some line contains `part`.
  bool contains(std::string_view part) const;
  /// The values registered with add_secret(), in order.
  std::vector<std::string> secrets() const;
  /// For each secret, how many lines had been logged before it was
  /// registered (0: before the first line).
  std::vector<size_t> secret_positions() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
  std::vector<std::string> secrets_;
  std::vector<size_t> secret_positions_;
};

}  // namespace wf::test
