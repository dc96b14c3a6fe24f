// The log facade: nothing is formatted or written without a backend, levels
// route messages to stderr and the run's file, and every message is masked.

#include "runner/core/log.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runner/core/secret_masker.h"

namespace {

using namespace wf::core;
using log::Level;

struct Written {
  Level level;
  std::string message;
  bool to_stderr;
  bool to_file;
};

class RecordingBackend : public log::Backend {
 public:
  void write(Level level, std::string_view message, bool to_stderr, bool to_file) override {
    written.push_back({level, std::string(message), to_stderr, to_file});
  }
  bool open_file(const std::string& path) override {
    file = path;
    return open_ok;
  }
  void close_file() override { ++closed; }
  std::vector<Written> written;
  std::string file;
  bool open_ok = true;
  int closed = 0;
};

// Installs a backend for one test and uninstalls it after.
struct Installed {
  explicit Installed(RecordingBackend& b, Level stderr_level) { log::install(&b, stderr_level); }
  ~Installed() { log::install(nullptr, Level::kOff); }
};

}  // namespace

TEST_CASE("log: without a backend no level is enabled", "[log]") {
  log::install(nullptr, Level::kTrace);
  CHECK_FALSE(log::enabled(Level::kTrace));
  CHECK_FALSE(log::enabled(Level::kWarn));
  log::debug("goes nowhere");  // and does not crash
}

TEST_CASE("log: the stderr level gates messages, -v lowers it to debug", "[log]") {
  RecordingBackend b;
  Installed installed(b, Level::kOff);
  CHECK_FALSE(log::enabled(Level::kDebug));
  log::debug("hidden");
  CHECK(b.written.empty());
  log::raise_verbosity(Level::kDebug);
  CHECK(log::enabled(Level::kDebug));
  CHECK_FALSE(log::enabled(Level::kTrace));
  log::debug("shown");
  log::trace("not shown");
  REQUIRE(b.written.size() == 1);
  CHECK(b.written[0].message == "shown");
  CHECK(b.written[0].to_stderr);
  CHECK_FALSE(b.written[0].to_file);
  log::raise_verbosity(Level::kInfo);  // never raises the level back
  CHECK(log::enabled(Level::kDebug));
}

TEST_CASE("log: a run's file takes debug messages while stderr stays quiet", "[log]") {
  RecordingBackend b;
  Installed installed(b, Level::kOff);
  {
    log::FileScope file("/run/wf.log");
    CHECK(file.open());
    CHECK(b.file == "/run/wf.log");
    CHECK(log::enabled(Level::kDebug));
    CHECK_FALSE(log::enabled(Level::kTrace));
    log::debug("to the file");
    REQUIRE(b.written.size() == 1);
    CHECK_FALSE(b.written[0].to_stderr);
    CHECK(b.written[0].to_file);
  }
  CHECK(b.closed == 1);
  CHECK_FALSE(log::enabled(Level::kDebug));

  b.open_ok = false;
  log::FileScope failed("/nowhere/wf.log");
  CHECK_FALSE(failed.open());
  CHECK_FALSE(log::enabled(Level::kDebug));
}

TEST_CASE("log: every message is masked, with secrets added after the scope began", "[log]") {
  RecordingBackend b;
  Installed installed(b, Level::kDebug);
  SecretMasker masker;
  masker.add("hunter2-secret");
  {
    log::MaskerScope scope(&masker);
    log::debug("argv: tool --password hunter2-secret");
    masker.add("later-secret-value");
    log::debug("header: later-secret-value");
  }
  log::debug("after: hunter2-secret");
  REQUIRE(b.written.size() == 3);
  CHECK(b.written[0].message == "argv: tool --password ***");
  CHECK(b.written[1].message == "header: ***");
  CHECK(b.written[2].message == "after: hunter2-secret");  // the scope restored "no masker"
}

TEST_CASE("log: WF_LOG levels and argv quoting", "[log]") {
  Level l = Level::kOff;
  CHECK(log::parse_level("trace", l));
  CHECK(l == Level::kTrace);
  CHECK(log::parse_level("debug", l));
  CHECK(l == Level::kDebug);
  CHECK_FALSE(log::parse_level("verbose", l));
  CHECK(l == Level::kDebug);
  std::vector<std::string> argv{"bash", "-c", "echo 'hi' $X", ""};
  CHECK(log::quote_argv(argv.data(), argv.data() + argv.size()) == "bash -c 'echo '\\''hi'\\'' $X' ''");
}
