#include "steps/builtin_steps.h"

#include "steps/run/run_step.h"

namespace wf::steps {

void register_builtin_steps(step_api::Registry& registry) {
  registry.add(std::make_unique<RunStep>());
}

}  // namespace wf::steps
