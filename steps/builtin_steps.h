#pragma once
// The one list of step types wf ships (steps/builtin_steps.cc).

#include "runner/step_api/registry.h"

namespace wf::steps {

/// Adds every built-in step type to `registry`, in the order `wf steps`
/// lists them. Adding a step type is one line there.
void register_builtin_steps(step_api::Registry& registry);

}  // namespace wf::steps
