// The spdlog adapter behind core::log: messages arrive masked; each goes to
// the stderr sink and to the file sink (a run's wf.log) by their levels.
// The file is buffered by stdio and never fsync'd: the log explains a run,
// the journal is its record.

#include "runner/core/log.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>
#include <memory>
#include <mutex>

namespace wf::adapters {

namespace {

using core::log::Level;

spdlog::level::level_enum spd_level(Level level) {
  switch (level) {
    case Level::kTrace: return spdlog::level::trace;
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kOff: break;
  }
  return spdlog::level::off;
}

std::unique_ptr<spdlog::formatter> formatter(const std::string& pattern) {
  return std::make_unique<spdlog::pattern_formatter>(pattern, spdlog::pattern_time_type::utc, "\n");
}

class SpdlogBackend : public core::log::Backend {
 public:
  SpdlogBackend() { stderr_->set_formatter(formatter("wf: [%l] %v")); }

  void write(Level level, std::string_view message, bool to_stderr, bool to_file) override {
    spdlog::details::log_msg msg(spdlog::source_loc{}, "wf", spd_level(level),
                                 spdlog::string_view_t(message.data(), message.size()));
    std::lock_guard<std::mutex> l(mu_);
    // An I/O error of a log must not end the run: spdlog throws them.
    try {
      if (to_stderr) stderr_->log(msg);
      if (to_file && file_) file_->log(msg);
    } catch (const std::exception&) {
    }
  }

  bool open_file(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    try {
      file_ = std::make_unique<spdlog::sinks::basic_file_sink_st>(path, false);
      file_->set_formatter(formatter("%Y-%m-%dT%H:%M:%S.%eZ [%l] [%t] %v"));
      return true;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "wf: warning: cannot write %s: %s\n", path.c_str(), e.what());
      file_.reset();
      return false;
    }
  }

  void close_file() override {
    std::lock_guard<std::mutex> l(mu_);
    try {
      if (file_) file_->flush();
    } catch (const std::exception&) {
    }
    file_.reset();
  }

 private:
  std::mutex mu_;  // one message at a time, whole, in both sinks
  std::unique_ptr<spdlog::sinks::stderr_sink_st> stderr_ = std::make_unique<spdlog::sinks::stderr_sink_st>();
  std::unique_ptr<spdlog::sinks::basic_file_sink_st> file_;
};

}  // namespace

}  // namespace wf::adapters

// The entry point of wf-log.so (module_loader.h): the backend, owned by the caller.
extern "C" wf::core::log::Backend* wf_log_backend_v1() { return new wf::adapters::SpdlogBackend(); }
