#pragma once
// Tokens -> syntax tree (private to runner/expr). Recursive descent with the
// precedence and depth accounting of actions/languageservices parser.ts.

#include <memory>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/expr/expr.h"
#include "runner/expr/node.h"

namespace wf::expr {

/// GitHub rejects deeper expressions ("Exceeded max expression depth 50").
inline constexpr int kMaxDepth = 50;

struct ParsedExpression {
  std::shared_ptr<const Node> root;  // null for an empty expression
  std::vector<Reference> references;  // sorted by column
  bool uses_status = false;
};

/// Lexes and parses `text`. Errors carry stage kLexing or kParsing and a
/// 1-based column in `text`: unknown named values and functions, wrong
/// argument counts, unexpected tokens, depth over kMaxDepth — all reported
/// even inside branches that short-circuiting would skip.
core::Expected<ParsedExpression, Error> parse_expression(std::string_view text, const ParseOptions& options);

}  // namespace wf::expr
