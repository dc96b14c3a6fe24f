#include "runner/step_api/registry.h"

#include <stdexcept>

namespace wf::step_api {

void Registry::add(std::unique_ptr<StepType> type) {
  if (find(type->schema().type)) throw std::logic_error("step type registered twice: " + type->schema().type);
  types_.push_back(std::move(type));
}

const StepType* Registry::find(std::string_view name) const {
  for (const auto& t : types_)
    if (t->schema().type == name) return t.get();
  return nullptr;
}

const core::StepSchema* Registry::schema(std::string_view name) const {
  const StepType* t = find(name);
  return t ? &t->schema() : nullptr;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& t : types_) out.push_back(t->schema().type);
  return out;
}

}  // namespace wf::step_api
