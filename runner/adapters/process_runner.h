#pragma once
// The real process runner: Boost.Process v2 + Asio, kept inside one .cc.

#include <memory>

#include "runner/services/process_runner.h"

namespace wf::adapters {

std::unique_ptr<services::ProcessRunner> make_process_runner();

}  // namespace wf::adapters
