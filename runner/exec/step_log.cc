#include "runner/exec/step_log.h"

#include <cerrno>
#include <cstring>

#include "runner/core/failure.h"
#include "runner/core/workflow_commands.h"

namespace wf::exec {

AttemptLog::AttemptLog(core::SecretMasker& masker, const std::string& path, Forward forward, OnSecret on_secret)
    : masker_(masker), file_(std::fopen(path.c_str(), "ae")), path_(path), forward_(std::move(forward)),
      on_secret_(std::move(on_secret)) {
  if (!file_) file_error_ = errno;
}

void AttemptLog::add_secret(std::string_view value) {
  masker_.add(value);
  if (on_secret_ && !value.empty()) on_secret_(value);
}

AttemptLog::~AttemptLog() {
  std::lock_guard<std::mutex> lock(mu_);
  flush_locked();
  if (file_) std::fclose(file_);
}

void AttemptLog::hold() {
  std::lock_guard<std::mutex> lock(mu_);
  ++held_;
}

void AttemptLog::release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_ > 0 && --held_ == 0) flush_locked();
}

void AttemptLog::flush_locked() {
  if (file_ && !file_error_ && !file_text_.empty()) {
    if (std::fwrite(file_text_.data(), 1, file_text_.size(), file_) != file_text_.size() || std::fflush(file_) != 0)
      file_error_ = errno ? errno : EIO;
  }
  file_text_.clear();
  if (forward_ && !forward_text_.empty()) {
    forward_text_.pop_back();  // the last '\n'
    forward_(forward_stream_, forward_text_);
  }
  forward_text_.clear();
  if (file_error_ && !file_error_told_ && forward_) {
    // Once, on the console: the log file stops here (a full disk), the run goes on.
    file_error_told_ = true;
    forward_(Stream::kInfo, "wf: cannot write the step's log " + path_ + ": " + std::strerror(file_error_) +
                                "; the rest of it is only on the console");
  }
}

void AttemptLog::line(Stream stream, std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream != Stream::kInfo) {
    if (auto cmd = core::parse_workflow_command(text)) {
      // The value of ::add-mask:: is a secret: it must never be shown, not
      // even in the line that registers it.
      if (cmd->name == "add-mask") {
        masker_.add(cmd->value);
        if (on_secret_ && !cmd->value.empty()) on_secret_(cmd->value);
        return;
      }
      if (cmd->name == "wf-failure-class") {
        declared_class_ = cmd->value;
        if (core::parse_failure_class(cmd->value)) return;
        // A typo must not make a failure look retryable: unknown is permanent.
        declared_class_ = "permanent";
        stream = Stream::kInfo;
        text = unknown_class_warning_ = "warning: unknown failure class '" + cmd->value +
                                        "' in ::wf-failure-class:: (use transient, permanent, rate-limited or "
                                        "lock); a failure counts as permanent";
      }
    }
  }
  std::string masked = masker_.mask(text);
  if (!forward_text_.empty() && stream != forward_stream_) {
    // Observers get the lines of one stream at a time, in order.
    forward_text_.pop_back();
    if (forward_) forward_(forward_stream_, forward_text_);
    forward_text_.clear();
  }
  forward_stream_ = stream;
  const char* tag = stream == Stream::kStderr ? "err| " : stream == Stream::kInfo ? "wf | " : "out| ";
  file_text_.append(tag).append(masked).push_back('\n');
  forward_text_.append(masked).push_back('\n');
  if (held_ == 0 || file_text_.size() >= 256 * 1024) flush_locked();
}

}  // namespace wf::exec
