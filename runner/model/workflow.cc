#include "runner/model/workflow.h"

#include <algorithm>

namespace wf::model {

bool RetryPolicy::retries(FailureClass c) const {
  if (std::find(when.begin(), when.end(), c) != when.end()) return true;
  // A cancelled attempt is the run stopping: retried only when named.
  if (c == FailureClass::kCancelled) return false;
  if (when_any_failure) return true;
  return when.empty() && c != FailureClass::kPermanent;
}

const Param* Step::param(std::string_view key) const {
  for (const auto& [k, p] : with)
    if (k == key) return &p;
  return nullptr;
}

const Step* Workflow::step(std::string_view id) const {
  for (const auto& s : steps)
    if (s.id == id) return &s;
  return nullptr;
}

const InputDecl* Scope::input(std::string_view name) const {
  for (const auto& i : inputs)
    if (i.name == name) return &i;
  return nullptr;
}

const Scope& Workflow::scope_of(const Step& step) const {
  static const Scope kNone;
  if (step.scope < scopes.size()) return scopes[step.scope];
  return scopes.empty() ? kNone : scopes[0];
}

std::string_view Workflow::local_id(const Step& step) const {
  std::string_view id = step.id;
  const std::string& prefix = scope_of(step).prefix;
  if (!prefix.empty() && id.substr(0, prefix.size()) == prefix) id.remove_prefix(prefix.size());
  return id;
}

const std::string& Workflow::dir_of(const Step& step) const {
  return step.scope == 0 || step.scope >= scopes.size() ? dir : scopes[step.scope].dir;
}

const std::string& Workflow::file_of(const Step& step) const {
  return step.scope == 0 || step.scope >= scopes.size() ? file : scopes[step.scope].file;
}

const InputDecl* Workflow::input(std::string_view name) const {
  for (const auto& i : inputs)
    if (i.name == name) return &i;
  return nullptr;
}

const SecretDecl* Workflow::secret(std::string_view name) const {
  for (const auto& s : secrets)
    if (s.name == name) return &s;
  return nullptr;
}

const std::vector<std::string>& step_named_values() {
  static const std::vector<std::string> kNames = {"inputs", "env", "secrets", "steps", "git", "wf", "matrix"};
  return kNames;
}

const std::vector<std::string>& workflow_named_values() {
  static const std::vector<std::string> kNames = {"inputs", "secrets", "git", "wf"};
  return kNames;
}

}  // namespace wf::model
