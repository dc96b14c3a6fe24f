#pragma once
// A step's `matrix:` expanded into its instances, with GitHub's
// strategy.matrix semantics (cross product, exclude, include) and Argo's
// withParam form (a list of objects). Pure: the loader expands static
// matrices with it, the executor dynamic ones when the step starts.

#include <string>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::model {

/// Most instances one matrix may have: a cross product grows fast, and each
/// instance is a step with its own journal entries and log files.
inline constexpr size_t kMaxMatrixInstances = 10000;

struct MatrixError {
  std::string message;
  /// Where in the matrix value: keys and list indexes ({"include", "2"});
  /// empty for the matrix as a whole.
  std::vector<std::string> path;
};

/// The combinations of a map-form matrix, in GitHub's order: the cross
/// product of its lists (the first key varies slowest), less each
/// combination an `exclude` item matches (all of its pairs equal), then each
/// `include` item merged into every original combination whose original
/// keys it does not contradict (added keys may be overwritten), or appended
/// as a combination of its own when it fits none. Fails on a key that is
/// not a non-empty list, an include/exclude that is not a list of objects,
/// an exclude key the matrix does not have, a duplicate combination, no
/// combination at all, or more than kMaxMatrixInstances. Linear in the
/// result (include: items × combinations, as GitHub defines it).
core::Expected<std::vector<core::Value>, MatrixError> expand_matrix(const core::Value& map);

/// The instances of a list-form matrix (Argo's withParam): each item must
/// be an object; an empty list, another type or a duplicate is an error
/// naming what was found ("a string", "item 2 is a number").
core::Expected<std::vector<core::Value>, std::string> matrix_from_list(const core::Value& list);

/// Either form, as a value resolved at run time gives it: an object is
/// expanded, a list taken item by item; errors as one message.
core::Expected<std::vector<core::Value>, std::string> matrix_instances(const core::Value& value);

/// GitHub's name of an instance: "deploy (a, us)" — the combination's
/// values in its key order (strings as they are, numbers as expressions
/// print them, lists and objects as JSON).
std::string instance_name(const std::string& step_id, const core::Value& combination);

/// The names of `instances` of step `id`, checked unique; an error names
/// the first name given twice.
core::Expected<std::vector<std::string>, std::string> instance_names(const std::string& id,
                                                                     const std::vector<core::Value>& instances);

}  // namespace wf::model
