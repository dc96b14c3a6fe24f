#pragma once
// wf's log backend on spdlog (spdlog_log_backend.cc, the only code that
// includes spdlog, loaded from wf-log.so by the first message): stderr, and a
// run's wf.log while core::log::FileScope holds it open.

#include "runner/core/log.h"

namespace wf::adapters {

/// Installs the spdlog backend for the process, its stderr sink at
/// `stderr_level` (kOff: only wf.log gets messages). Call once, before any
/// thread starts; the backend lives until exit. When wf-log.so cannot be
/// loaded, that is said once on stderr, messages go to stderr bare and no
/// file opens.
void install_log_backend(core::log::Level stderr_level);

}  // namespace wf::adapters
