#pragma once
// Resolving the workflow's declared inputs from defaults and `-i k=v`.

#include <string>
#include <utility>
#include <vector>

#include "runner/core/expected.h"
#include "runner/model/workflow.h"

namespace wf::model {

/// An object input name -> typed value: each declared input's default,
/// overridden by `overrides` (text as given on the command line, converted
/// to the input's type). Errors, all at once: an unknown name (with
/// did-you-mean), a value that does not fit the type ("boolean: 'yes' is not
/// true or false"), a choice outside its options, a required input without a
/// value. An input with neither default nor value is null.
core::Expected<Value, std::vector<std::string>> resolve_inputs(
    const Workflow& wf, const std::vector<std::pair<std::string, std::string>>& overrides);

/// Splits "k=v" (the first '='); nullopt when there is no '=' or k is empty.
std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text);

}  // namespace wf::model
