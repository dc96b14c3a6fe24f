#include "runner/core/param_spec.h"

namespace wf::core {

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::kString: return "string";
    case ParamType::kBool: return "boolean";
    case ParamType::kNumber: return "number";
    case ParamType::kDuration: return "duration";
    case ParamType::kStringList: return "list of strings";
    case ParamType::kStringMap: return "map of strings";
    case ParamType::kMap: return "map";
    case ParamType::kList: return "list";
    case ParamType::kAny: return "any value";
  }
  return "?";
}

}  // namespace wf::core
