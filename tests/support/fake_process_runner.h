#pragma once
// A ProcessRunner for step tests: records every process spec and answers
// with what the test scripts (plays terraform, kubectl, ...). Nothing runs.

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "runner/services/process_runner.h"

namespace wf::test {

class FakeProcessRunner : public services::ProcessRunner {
 public:
  /// What one call prints and how it exits, for answer_with().
  struct Output {
    int exit_code = 0;
    std::string out;
    std::string err;
  };
  using Answer = std::function<services::ProcessResult(const services::ProcessSpec&)>;

  /// Full control: the answer gets the spec (to call on_stdout, write files).
  /// Without one, every call exits 0 printing nothing.
  void answer(Answer a);
  /// By argv: prints `out` and `err` through the spec's callbacks, then exits.
  void answer_with(std::function<Output(const std::vector<std::string>& argv)> a);

  services::ProcessResult run(const services::ProcessSpec& spec, const core::CancelToken& cancel) override;

  /// Every spec run so far, in order.
  std::vector<services::ProcessSpec> specs() const;
  /// The argv of each call whose argv contains `word`.
  std::vector<std::vector<std::string>> calls(const std::string& word) const;

  /// A process that started and exited with `code`.
  static services::ProcessResult exited(int code);

 private:
  mutable std::mutex mu_;
  Answer answer_;
  std::vector<services::ProcessSpec> specs_;
};

/// Whether `argv` holds `arg`.
bool has_arg(const std::vector<std::string>& argv, const std::string& arg);

}  // namespace wf::test
