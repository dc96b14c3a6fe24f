#pragma once
// The registry of step types: one owner per name. The binary fills it from
// steps/builtin_steps.cc; runner/ never names a concrete step type.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/step_api/step_type.h"

namespace wf::step_api {

class Registry {
 public:
  /// Adds a type; a second type with the same name is a programming error
  /// (throws std::logic_error).
  void add(std::unique_ptr<StepType> type);
  /// nullptr when unknown.
  const StepType* find(std::string_view name) const;
  const core::StepSchema* schema(std::string_view name) const;
  /// Names in registration order.
  std::vector<std::string> names() const;
  const std::vector<std::unique_ptr<StepType>>& types() const { return types_; }

 private:
  std::vector<std::unique_ptr<StepType>> types_;
};

}  // namespace wf::step_api
