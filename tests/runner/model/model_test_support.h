#pragma once
// Helpers of the model tests: a small set of step types of their own and a
// loader call that returns diagnostics as short strings.

#include <string>
#include <string_view>
#include <vector>

#include "runner/core/param_spec.h"
#include "runner/model/loader.h"

namespace wf::model::test {

/// `run` (required string `script`, optional string `shell`) only: the set
/// the invalid data files are checked against.
LoadOptions run_only_options();

/// `run` plus `deploy`, which has a parameter of each ParamType: image
/// (string, required), mode (string, choices rolling|recreate), replicas
/// (number), wait (boolean), timeout (duration), files (list of strings),
/// labels (map of strings), values (map), args (list), extra (any).
LoadOptions test_options();

/// Loads `yaml` as "wf.yaml".
LoadResult load(std::string_view yaml, const LoadOptions& options = test_options());

/// The diagnostics as "LINE:COL: message" (the file name left out).
std::vector<std::string> errors(const LoadResult& r);

/// Loads `yaml` and returns its diagnostics as errors() does.
std::vector<std::string> errors_of(std::string_view yaml, const LoadOptions& options = test_options());

}  // namespace wf::model::test
