#pragma once
// The syntax tree of one expression (private to runner/expr). Built by the
// parser, walked by the evaluator; immutable once built.

#include <string>
#include <vector>

#include "runner/core/value.h"
#include "runner/expr/expr.h"

namespace wf::expr {

/// The built-in functions. Names are matched case-insensitively.
enum class Function {
  kContains,
  kStartsWith,
  kEndsWith,
  kFormat,
  kJoin,
  kToJson,
  kFromJson,
  kHashFiles,
  kCase,
  kSuccess,
  kFailure,
  kAlways,
  kCancelled,
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };

struct Node {
  enum class Kind {
    kLiteral,     // value
    kNamedValue,  // name (a top-level context such as `inputs`)
    kIndex,       // children[0][children[1]], or children[0][*] when star
    kGroup,       // ( children[0] )
    kNot,         // !children[0]
    kCompare,     // children[0] op children[1]
    kAnd,         // children[0] && children[1] && ... (returns an operand)
    kOr,          // children[0] || children[1] || ...
    kCall,        // function(children...)
  };
  Kind kind = Kind::kLiteral;
  int column = 0;  // 1-based, of the node's first token (function name, operator, ...)
  Value value;
  std::string name;
  bool star = false;
  CompareOp op = CompareOp::kEq;
  Function function = Function::kContains;
  std::vector<Node> children;
};

}  // namespace wf::expr
