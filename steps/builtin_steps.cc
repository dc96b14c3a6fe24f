#include "steps/builtin_steps.h"

#include "steps/gh_dispatch/gh_dispatch_step.h"
#include "steps/kubectl_apply/kubectl_apply_step.h"
#include "steps/run/run_step.h"
#include "steps/terraform/terraform_step.h"

namespace wf::steps {

void register_builtin_steps(step_api::Registry& registry) {
  registry.add(std::make_unique<RunStep>());
  registry.add(std::make_unique<TerraformStep>());
  registry.add(std::make_unique<KubectlApplyStep>());
  registry.add(std::make_unique<GhDispatchStep>());
}

}  // namespace wf::steps
