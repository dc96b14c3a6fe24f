#pragma once
// wf's log backend on spdlog (the only code that includes spdlog): stderr,
// and a run's wf.log while core::log::FileScope holds it open.

#include "runner/core/log.h"

namespace wf::adapters {

/// Installs the spdlog backend for the process, its stderr sink at
/// `stderr_level` (kOff: only wf.log gets messages). Call once, before any
/// thread starts; the backend lives until exit.
void install_log_backend(core::log::Level stderr_level);

}  // namespace wf::adapters
