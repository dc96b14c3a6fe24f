#pragma once
// Resolving a Param's expressions into a plain Value.

#include <functional>
#include <optional>

#include "runner/core/expected.h"
#include "runner/core/value.h"
#include "runner/expr/expr.h"
#include "runner/model/workflow.h"

namespace wf::model {

struct ResolveError {
  SourceLoc loc;        // of the expression that failed
  std::string message;
};

/// Optional hook: a value to use instead of evaluating a template (wf plan
/// shows "(known after render)" for templates that read step outputs).
using TemplateOverride = std::function<std::optional<Value>(const expr::Template&)>;

/// The param's value with every string holding `${{ }}` rendered against
/// `ctx` (a lone expression keeps its type; see expr::Template::render).
/// Strings without expressions are kept as they are.
core::Expected<Value, ResolveError> resolve_param(const Param& param, const expr::EvalContext& ctx,
                                                  const TemplateOverride& override_fn = {});

/// Every template of the param (in path order), for callers that inspect
/// references.
std::vector<const expr::Template*> param_templates(const Param& param);

}  // namespace wf::model
