#pragma once
// The `${{ }}` expression language of GitHub Actions: parse once, evaluate
// many times. Pure: no I/O except hashFiles(), which reads files under the
// root the caller names.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::expr {

using core::Value;

/// Why an expression was rejected. `column` is 1-based within the text that
/// was parsed (an Expression's own text, or the whole Template string),
/// counted in bytes from its start (a newline is one byte, not a new line).
/// Lexing and parsing errors point at the offending token; evaluation errors
/// at the function call or operator that failed. Messages follow GitHub's
/// wording ("Unexpected symbol: ')'", "Unrecognized named-value: 'x'").
struct Error {
  enum class Stage { kLexing, kParsing, kEvaluation };
  Stage stage = Stage::kParsing;
  std::string message;
  int column = 0;
};

/// A context path an expression reads: `steps.build.outputs.digest` gives
/// {"steps", "build", "outputs", "digest"}, `inputs['cluster']` gives
/// {"inputs", "cluster"}; the path stops at the first access that is not a
/// literal name (`steps[x]`, `steps[0]`, `*`). Names keep their spelling.
/// Paths read in branches that short-circuiting skips are included.
struct Reference {
  std::vector<std::string> path;
  int column = 0;  // 1-based, of the named value's first character
};

struct ParseOptions {
  /// Top-level named values an expression may use (case-insensitive); any
  /// other identifier is a parse error "Unrecognized named-value: 'x'".
  std::vector<std::string> named_values;
};

/// The job status the status functions see (success(), failure(), ...).
enum class JobStatus { kSuccess, kFailure, kCancelled };

struct EvalContext {
  /// An object: named value -> value (inputs, env, steps, secrets, git, wf...).
  /// A name allowed at parse time but missing here evaluates to null.
  Value named_values;
  JobStatus status = JobStatus::kSuccess;
  /// Directory hashFiles() patterns are relative to; empty = current directory.
  std::string hash_files_root;
  /// Memory one evaluation may hold, charged as GitHub's runner does (a
  /// string of n characters costs 26 + 2n bytes); exceeding it is the
  /// evaluation error "The maximum allowed memory size was exceeded".
  /// GitHub's limit is 1 MiB; 0 = no limit.
  size_t max_memory = 1024 * 1024;
};

struct Node;

/// One parsed expression (the text between `${{` and `}}`, or a bare `if:`).
/// Copyable and immutable; safe to evaluate from several threads at once.
class Expression {
 public:
  /// Fails (stage kLexing or kParsing) on malformed tokens, misplaced tokens,
  /// unknown named values or functions, wrong argument counts, depth over 50
  /// or text over 21000 characters — even inside branches that
  /// short-circuiting would skip. Empty text is valid and evaluates to null.
  static core::Expected<Expression, Error> parse(std::string_view text, const ParseOptions& options);

  const std::string& text() const { return text_; }
  /// Every context path the expression reads, in source order.
  const std::vector<Reference>& references() const { return references_; }
  /// True if it calls success(), failure(), always() or cancelled().
  bool uses_status_function() const { return uses_status_; }
  /// The syntax tree (runner/expr/node.h), for translators such as
  /// `wf export argo`; null for an empty expression. Owned by this.
  const Node* root() const { return root_.get(); }

  /// Fails (stage kEvaluation) on a bad format() string, invalid JSON for
  /// fromJSON(), a non-boolean case() predicate, an unreadable hashFiles()
  /// file, or when the evaluation holds more than ctx.max_memory.
  core::Expected<Value, Error> evaluate(const EvalContext& ctx) const;

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
  std::vector<Reference> references_;
  bool uses_status_ = false;
};

/// Evaluates an `if:` condition: without a status function it means
/// `success() && (expr)` (an empty condition is success()); the result is
/// converted with truthy().
core::Expected<bool, Error> evaluate_condition(const Expression& e, const EvalContext& ctx);

/// GitHub's truthiness: false, 0, -0, NaN, '' and null are false; everything
/// else (including empty arrays and objects) is true.
bool truthy(const Value& v);

/// GitHub's cast to string: null -> '', booleans 'true'/'false', numbers as
/// GitHub's reference implementation prints them (rounded to at most 15
/// decimals, then JavaScript's shortest form: integers without a fraction,
/// exponential from 1e21 and below 1e-6, -0 as '0', 'NaN', 'Infinity'),
/// arrays 'Array', objects 'Object'.
std::string to_string(const Value& v);

/// A string that may contain `${{ expr }}` segments.
struct TemplatePart {
  bool is_expression = false;
  std::string literal;           // when !is_expression
  std::shared_ptr<Expression> expression;  // when is_expression
  size_t offset = 0;             // 0-based offset in the source string of the part
                                 // (for an expression: of its first character after `${{`)
};

class Template {
 public:
  /// Splits and parses. A `${{` without its `}}` is an error, and so is an
  /// empty `${{ }}` (both at the column of the `${{`); `}}` inside a string
  /// literal of an expression does not end it. Error columns are 1-based
  /// offsets in `text`.
  static core::Expected<Template, Error> parse(std::string_view text, const ParseOptions& options);

  const std::vector<TemplatePart>& parts() const { return parts_; }
  bool has_expressions() const;
  /// The whole string is one `${{ }}` (surrounding whitespace allowed): it
  /// renders to the expression's value with its type kept.
  bool is_single_expression() const;
  /// Every reference of every expression part; columns are 1-based in the
  /// template string.
  std::vector<Reference> references() const;

  /// Single expression: its value. Otherwise the literals and each
  /// expression's to_string() concatenated into a string. An evaluation
  /// error's column is shifted into the template string.
  core::Expected<Value, Error> render(const EvalContext& ctx) const;

 private:
  std::vector<TemplatePart> parts_;
  bool single_ = false;
};

}  // namespace wf::expr
