// Whole workflow files through the loader and the graph checks, with every
// built-in step type registered so each type's validate() runs on its
// `with:` parameters: what `wf validate` does, minus the file read.
// Property: never crashes; an accepted file has no diagnostics.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "runner/graph/dag.h"
#include "runner/model/loader.h"
#include "runner/step_api/registry.h"
#include "steps/builtin_steps.h"

namespace {

const wf::step_api::Registry& registry() {
  static const wf::step_api::Registry* r = [] {
    auto* reg = new wf::step_api::Registry();
    wf::steps::register_builtin_steps(*reg);
    return reg;
  }();
  return *r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& reg = registry();
  wf::model::LoadOptions options;
  options.find_step_type = [&reg](std::string_view type) { return reg.schema(type); };
  options.step_type_names = reg.names();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  wf::model::LoadResult r = wf::model::load_workflow_text(text, "fuzz.yaml", options);
  if (r.workflow && !r.diagnostics.empty()) std::abort();  // a workflow is only returned without errors
  if (const wf::model::Workflow* w = r.workflow ? &*r.workflow : r.partial ? &*r.partial : nullptr)
    (void)wf::graph::check(*w);
  return 0;
}
