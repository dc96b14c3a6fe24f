#include "runner/step_api/step_type.h"

#include "runner/core/json.h"

namespace wf::step_api {

const Value& StepContext::param(std::string_view name) const {
  static const Value kNull;
  const Value* v = with.find(name);
  return v ? *v : kNull;
}

std::string StepContext::param_string(std::string_view name, std::string_view fallback) const {
  const Value& v = param(name);
  if (v.is_null()) return std::string(fallback);
  if (v.is_string()) return v.as_string();
  return core::to_json(v);
}

bool StepContext::param_bool(std::string_view name, bool fallback) const {
  const Value& v = param(name);
  if (v.is_bool()) return v.as_bool();
  if (v.is_string()) return v.as_string() == "true";
  return fallback;
}

}  // namespace wf::step_api
