#pragma once
// The executor's StepLog: masks every line, acts on `::add-mask::`, writes
// the attempt's log file and forwards the line to the observers.

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "runner/core/secret_masker.h"
#include "runner/step_api/step_type.h"

namespace wf::exec {

class AttemptLog : public step_api::StepLog {
 public:
  /// One or more masked lines of one stream, joined by '\n' (no final one).
  using Forward = std::function<void(Stream, std::string_view masked_lines)>;
  using OnSecret = std::function<void(std::string_view value)>;
  /// Opens (creating) `path` for the attempt's log; `forward` receives the
  /// masked lines (called under this log's lock, from the step's thread):
  /// each one as it comes, or the lines of one stream held together;
  /// `on_secret`, if set, each value registered by `::add-mask::` or
  /// add_secret(), after the masker has it and before the next line.
  AttemptLog(core::SecretMasker& masker, const std::string& path, Forward forward, OnSecret on_secret = {});
  ~AttemptLog() override;
  AttemptLog(const AttemptLog&) = delete;
  AttemptLog& operator=(const AttemptLog&) = delete;

  void line(Stream stream, std::string_view text) override;
  void add_secret(std::string_view value) override;
  void hold() override;
  void release() override;

  /// Failure class a script declared with `::wf-failure-class::NAME`, if any.
  const std::string& declared_failure_class() const { return declared_class_; }

 private:
  core::SecretMasker& masker_;
  std::FILE* file_ = nullptr;
  std::string path_;
  int file_error_ = 0;            // errno of the first failed open or write; then the file is left alone
  bool file_error_told_ = false;
  Forward forward_;
  OnSecret on_secret_;
  void flush_locked();

  std::mutex mu_;
  int held_ = 0;                  // hold() depth
  std::string file_text_;         // held lines, as the log file gets them
  std::string forward_text_;      // held lines of forward_stream_, for the observers
  Stream forward_stream_ = Stream::kStdout;
  std::string declared_class_;
  std::string unknown_class_warning_;  // the text of the last warning about it
};

}  // namespace wf::exec
