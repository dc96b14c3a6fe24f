#include "runner/cli/logging.h"

#include <cstdlib>
#include <ostream>

#include "runner/adapters/log_backend.h"
#include "runner/core/log.h"

namespace wf::cli {

void start_logging(std::ostream& err) {
  core::log::Level level = core::log::Level::kOff;
  const char* env = std::getenv("WF_LOG");
  if (env && *env && !core::log::parse_level(env, level))
    err << "wf: warning: WF_LOG=" << env << " is not one of trace, debug, info, warn, off; ignored\n";
  adapters::install_log_backend(level);
}

void verbose() { core::log::raise_verbosity(core::log::Level::kDebug); }

}  // namespace wf::cli
