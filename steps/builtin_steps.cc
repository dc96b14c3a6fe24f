// The one list of the step types wf ships, in the order `wf steps` lists
// them (ninja's kTools[]). A step type is a folder steps/<folder>/ whose
// CMakeLists.txt calls wf_step_type() and which defines
//   std::unique_ptr<step_api::StepType> wf::steps::make_<folder>_step();
// plus one line below.
#define WF_BUILTIN_STEP_TYPES(X) \
  X(run)                         \
  X(terraform)                   \
  X(kubectl_apply)               \
  X(gh_dispatch)                 \
  X(git)                         \
  X(helm_template)               \
  X(docker_build)

#include "steps/builtin_steps.h"

namespace wf::steps {

#define WF_DECLARE_STEP_TYPE(folder) std::unique_ptr<step_api::StepType> make_##folder##_step();
WF_BUILTIN_STEP_TYPES(WF_DECLARE_STEP_TYPE)
#undef WF_DECLARE_STEP_TYPE

void register_builtin_steps(step_api::Registry& registry) {
#define WF_ADD_STEP_TYPE(folder) registry.add(make_##folder##_step());
  WF_BUILTIN_STEP_TYPES(WF_ADD_STEP_TYPE)
#undef WF_ADD_STEP_TYPE
}

}  // namespace wf::steps
