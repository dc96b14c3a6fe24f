#include "tests/support/recording_log.h"

namespace wf::test {

void RecordingLog::line(Stream, std::string_view text) {
  std::lock_guard<std::mutex> l(mu_);
  lines_.emplace_back(text);
}

void RecordingLog::add_secret(std::string_view value) {
  std::lock_guard<std::mutex> l(mu_);
  secrets_.emplace_back(value);
  secret_positions_.push_back(lines_.size());
}

std::vector<std::string> RecordingLog::lines() const {
  std::lock_guard<std::mutex> l(mu_);
  return lines_;
}

std::string RecordingLog::text() const {
  std::lock_guard<std::mutex> l(mu_);
  std::string out;
  for (const auto& line : lines_) out.append(line).push_back('\n');
  return out;
}

bool RecordingLog::contains(std::string_view part) const {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& line : lines_)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

std::vector<std::string> RecordingLog::secrets() const {
  std::lock_guard<std::mutex> l(mu_);
  return secrets_;
}

std::vector<size_t> RecordingLog::secret_positions() const {
  std::lock_guard<std::mutex> l(mu_);
  return secret_positions_;
}

}  // namespace wf::test
