#pragma once
// A FILE* whose text tests can read back (open_memstream), plus scripted
// events shared by the printer tests.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "runner/exec/observer.h"

namespace wf::status::test {

/// Everything written to `file` so far.
class Capture {
 public:
  Capture() : file(open_memstream(&buf_, &size_)) {}
  ~Capture() {
    std::fclose(file);
    std::free(buf_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  std::string text() {
    std::fflush(file);
    return std::string(buf_, size_);
  }

  std::FILE* file;

 private:
  char* buf_ = nullptr;
  size_t size_ = 0;
};

inline exec::RunStart run_start(size_t steps) {
  exec::RunStart start;
  start.run_id = "20261122-213501-4f2a";
  start.workflow = "deploy";
  start.file = "workflows/deploy.yaml";
  start.run_dir = ".wf/runs/20261122-213501-4f2a";
  start.steps = steps;
  return start;
}

inline exec::AttemptStart attempt_start(std::string step, int attempt = 1, int max_attempts = 1) {
  exec::AttemptStart start;
  start.step_id = std::move(step);
  start.step_type = "run";
  start.attempt = attempt;
  start.max_attempts = max_attempts;
  start.log_file = ".wf/runs/x/" + start.step_id + "." + std::to_string(attempt) + ".log";
  return start;
}

inline exec::AttemptEnd attempt_end(std::string step, bool ok, int attempt = 1,
                                    core::Millis duration = core::Millis(1200)) {
  exec::AttemptEnd end;
  end.step_id = std::move(step);
  end.attempt = attempt;
  end.ok = ok;
  end.failure_class = ok ? core::FailureClass::kPermanent : core::FailureClass::kTransient;
  end.summary = ok ? "" : "exit code 1";
  end.duration = duration;
  return end;
}

inline exec::StepEnd step_end(std::string step, exec::Outcome outcome, int attempts = 1,
                              core::Millis duration = core::Millis(1200)) {
  exec::StepEnd end;
  end.step_id = std::move(step);
  end.outcome = outcome;
  end.attempts = attempts;
  end.duration = duration;
  end.outputs = core::Value(core::Value::Object{});
  return end;
}

inline exec::RunEnd run_end(std::vector<exec::StepEnd> steps, bool ok) {
  exec::RunEnd end;
  end.run_id = "20261122-213501-4f2a";
  end.run_dir = ".wf/runs/20261122-213501-4f2a";
  end.ok = ok;
  end.exit_code = ok ? 0 : 1;
  end.duration = core::Millis(3200);
  end.steps = std::move(steps);
  return end;
}

}  // namespace wf::status::test
