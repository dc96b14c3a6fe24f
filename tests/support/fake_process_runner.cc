#include "tests/support/fake_process_runner.h"

#include <algorithm>

namespace wf::test {

using services::ProcessResult;
using services::ProcessSpec;

void FakeProcessRunner::answer(Answer a) {
  std::lock_guard<std::mutex> l(mu_);
  answer_ = std::move(a);
}

void FakeProcessRunner::answer_with(std::function<Output(const std::vector<std::string>&)> a) {
  answer([a = std::move(a)](const ProcessSpec& spec) {
    Output o = a(spec.argv);
    if (!o.out.empty() && spec.on_stdout) spec.on_stdout(o.out);
    if (!o.err.empty() && spec.on_stderr) spec.on_stderr(o.err);
    return exited(o.exit_code);
  });
}

ProcessResult FakeProcessRunner::run(const ProcessSpec& spec, const core::CancelToken& cancel) {
  Answer a;
  {
    std::lock_guard<std::mutex> l(mu_);
    specs_.push_back(spec);
    a = answer_;
  }
  if (cancel.cancelled()) {
    ProcessResult r;
    r.cancelled = true;
    return r;
  }
  // Called outside the lock: an answer may run for a while or look at specs().
  return a ? a(spec) : exited(0);
}

std::vector<ProcessSpec> FakeProcessRunner::specs() const {
  std::lock_guard<std::mutex> l(mu_);
  return specs_;
}

std::vector<std::vector<std::string>> FakeProcessRunner::calls(const std::string& word) const {
  std::vector<std::vector<std::string>> out;
  for (const auto& s : specs())
    if (has_arg(s.argv, word)) out.push_back(s.argv);
  return out;
}

ProcessResult FakeProcessRunner::exited(int code) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  return r;
}

bool has_arg(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

}  // namespace wf::test
