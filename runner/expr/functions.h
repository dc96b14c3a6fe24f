#pragma once
// The built-in functions (private to runner/expr): their names and arities
// for the parser, and the implementations the evaluator calls once the
// arguments are evaluated. case() and the status functions need lazy or
// contextual evaluation and live in the evaluator.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/value.h"
#include "runner/expr/node.h"

namespace wf::expr {

struct FunctionInfo {
  std::string_view name;  // canonical spelling
  Function id;
  size_t min_args;
  size_t max_args;
};

/// The function called `name` (ASCII case-insensitive), or nullptr.
const FunctionInfo* find_function(std::string_view name);
/// Canonical names of every function (for did-you-mean).
std::vector<std::string> function_names();
/// success(), failure(), always(), cancelled().
bool is_status_function(Function f);

/// An evaluation failure inside the evaluator or a function. It never
/// leaves runner/expr: Expression::evaluate() turns it into an Error.
class EvalFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// GitHub's default limit on the memory an evaluation may hold.
inline constexpr size_t kDefaultMaxMemory = 1024 * 1024;
/// Message of the memory-limit failure (as GitHub words it).
inline constexpr const char* kMemoryExceeded = "The maximum allowed memory size was exceeded";
/// Bytes GitHub's runner charges for a string of `size` characters.
inline size_t string_cost(size_t size) { return 26 + 2 * size; }

// Implementations. Those that build strings fail with kMemoryExceeded when
// the result would pass `max_memory` bytes (0 = no limit). All throw EvalFailure.
Value fn_contains(const Value& search, const Value& item);
Value fn_starts_with(const Value& text, const Value& prefix);
Value fn_ends_with(const Value& text, const Value& suffix);
Value fn_format(const std::vector<Value>& args, size_t max_memory);
Value fn_join(const std::vector<Value>& args, size_t max_memory);
Value fn_to_json(const Value& v);
Value fn_from_json(const Value& v);

/// JSON.stringify(v, null, 2): two-space indentation, `[]`/`{}` when empty,
/// numbers as JavaScript prints them, NaN and infinities as null.
std::string pretty_json(const Value& v);

}  // namespace wf::expr
