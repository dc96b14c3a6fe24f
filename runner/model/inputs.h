#pragma once
// Resolving the workflow's declared inputs from defaults and `-i k=v`.

#include <optional>
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

/// `v` (a scalar) as input `in`'s type: a boolean from true/false or their
/// text, a number from a number or its text, text otherwise (a choice: one
/// of its options). nullopt when it does not fit; a list or a mapping never does.
std::optional<Value> typed_input(const InputDecl& in, const Value& v);

/// What the type asks of a value that did not fit: "must be true or false",
/// "must be a number", "must be one of a, b".
std::string input_type_expectation(const InputDecl& in);

/// Splits "k=v" (the first '='); nullopt when there is no '=' or k is empty.
std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text);

}  // namespace wf::model
