// Expression: parsing entry point and the tree-walking evaluator.

#include <cmath>

#include "runner/expr/coerce.h"
#include "runner/expr/expr.h"
#include "runner/expr/functions.h"
#include "runner/expr/hash_files.h"
#include "runner/expr/node.h"
#include "runner/expr/parser.h"

namespace wf::expr {

namespace {

// The bytes an evaluation holds, charged the way GitHub's runner does
// (EvaluationMemory.cs): each node's result is charged at its depth in the
// tree; when a node with a scalar result finishes, what its subtree held is
// released. Exceeding the limit fails the evaluation.
class MemoryBudget {
 public:
  explicit MemoryBudget(size_t max) : max_(max) {}

  void charge(size_t depth, size_t bytes, bool release_deeper) {
    if (max_ == 0) return;
    if (release_deeper) {
      for (size_t d = depth + 1; d < levels_.size(); ++d) {
        total_ -= levels_[d];
        levels_[d] = 0;
      }
    }
    if (levels_.size() <= depth) levels_.resize(depth + 1, 0);
    levels_[depth] += bytes;
    total_ += bytes;
    if (total_ > max_) throw EvalFailure(kMemoryExceeded);
  }

 private:
  size_t max_;
  size_t total_ = 0;
  std::vector<size_t> levels_;
};

// A value during evaluation. `filtered` marks the result of a `*` filter:
// further property and index accesses map over its elements.
struct Result {
  Value value;
  bool filtered = false;
};

// How `[x]` / `.x` / `[*]` looks things up (languageservices idxHelper.ts).
struct IndexKey {
  bool star = false;
  bool has_name = false;  // primitive key: its string form looks up object members
  std::string name;
  bool has_position = false;  // finite, non-negative number (floored): array element
  size_t position = 0;
};

IndexKey make_key(const Value& v) {
  IndexKey k;
  if (is_primitive(v)) {
    k.has_name = true;
    k.name = to_string(v);
  }
  double f = to_number(v);
  if (std::isfinite(f) && f >= 0 && f < 9007199254740992.0) {
    k.has_position = true;
    k.position = static_cast<size_t>(std::floor(f));
  }
  return k;
}

// Appends what `key` selects in `item` (a member, an element, or with `*` all of them).
void select_into(const Value& item, const IndexKey& key, Value::Array& out) {
  if (item.is_object()) {
    if (key.star) {
      for (const auto& m : item.as_object()) out.push_back(m.second);
    } else if (key.has_name) {
      if (const Value* v = item.find(key.name)) out.push_back(*v);
    }
  } else if (item.is_array()) {
    const auto& a = item.as_array();
    if (key.star) out.insert(out.end(), a.begin(), a.end());
    else if (key.has_position && key.position < a.size()) out.push_back(a[key.position]);
  }
}

Result index_value(const Result& target, const IndexKey& key) {
  const Value& v = target.value;
  if (target.filtered) {
    Value::Array out;
    for (const auto& item : v.as_array()) select_into(item, key, out);
    return {Value(std::move(out)), true};
  }
  if (key.star) {
    Value::Array out;
    select_into(v, key, out);
    return {Value(std::move(out)), true};
  }
  if (v.is_object() && key.has_name) {
    if (const Value* m = v.find(key.name)) return {*m, false};
  } else if (v.is_array() && key.has_position && key.position < v.as_array().size()) {
    return {v.as_array()[key.position], false};
  }
  return {};
}

// An evaluation failure with its column; unwinds to Expression::evaluate().
struct Failure {
  Error error;
};

Failure failure(std::string message, const Node& n) {
  return Failure{Error{Error::Stage::kEvaluation, std::move(message), n.column}};
}

// Walks the tree once; throws Failure. One instance per evaluation.
class Evaluator {
 public:
  explicit Evaluator(const EvalContext& ctx) : ctx_(ctx), memory_(ctx.max_memory) {}

  Result eval(const Node& n, size_t depth) {
    if (n.kind == Node::Kind::kGroup) {
      // Parentheses end a filter: `(a.*.b)[0]` is the first element.
      Result r = eval(n.children[0], depth);
      r.filtered = false;
      return r;
    }
    Result r = eval_core(n, depth);
    charge(n, r.value, depth);
    return r;
  }

 private:
  void charge(const Node& n, const Value& v, size_t depth) {
    try {
      memory_.charge(depth, v.is_string() ? string_cost(v.as_string().size()) : 24, is_primitive(v));
    } catch (const EvalFailure&) {
      throw failure(kMemoryExceeded, n);
    }
  }

  Result eval_core(const Node& n, size_t depth) {
    switch (n.kind) {
      case Node::Kind::kLiteral: return {n.value};
      case Node::Kind::kNamedValue: {
        const Value* v = ctx_.named_values.find(n.name);
        return {v ? *v : Value()};
      }
      case Node::Kind::kIndex: {
        Result target = eval(n.children[0], depth + 1);
        IndexKey key;
        key.star = n.star;
        if (!n.star) key = make_key(eval(n.children[1], depth + 1).value);
        return index_value(target, key);
      }
      case Node::Kind::kNot: return {Value(!truthy(eval(n.children[0], depth + 1).value))};
      case Node::Kind::kCompare: return {Value(compare(n, depth))};
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        // Returns the operand that decided, not a boolean.
        bool is_and = n.kind == Node::Kind::kAnd;
        Result r;
        for (const auto& c : n.children) {
          r = eval(c, depth + 1);
          if (truthy(r.value) != is_and) break;
        }
        return r;
      }
      case Node::Kind::kCall: return {call(n, depth)};
      case Node::Kind::kGroup: break;
    }
    return eval(n.children[0], depth);
  }

  bool compare(const Node& n, size_t depth) {
    Value l = eval(n.children[0], depth + 1).value;
    Value r = eval(n.children[1], depth + 1).value;
    switch (n.op) {
      case CompareOp::kEq: return loose_equals(l, r);
      case CompareOp::kNe: return !loose_equals(l, r);
      case CompareOp::kLt: return loose_less(l, r);
      case CompareOp::kLe: return loose_equals(l, r) || loose_less(l, r);
      case CompareOp::kGt: return loose_greater(l, r);
      case CompareOp::kGe: return loose_equals(l, r) || loose_greater(l, r);
    }
    return false;
  }

  Value call(const Node& n, size_t depth) {
    switch (n.function) {
      case Function::kSuccess: return Value(ctx_.status == JobStatus::kSuccess);
      case Function::kFailure: return Value(ctx_.status == JobStatus::kFailure);
      case Function::kCancelled: return Value(ctx_.status == JobStatus::kCancelled);
      case Function::kAlways: return Value(true);
      case Function::kCase: return call_case(n, depth);
      default: break;
    }
    std::vector<Value> args;
    args.reserve(n.children.size());
    for (const auto& c : n.children) args.push_back(eval(c, depth + 1).value);
    try {
      switch (n.function) {
        case Function::kContains: return fn_contains(args[0], args[1]);
        case Function::kStartsWith: return fn_starts_with(args[0], args[1]);
        case Function::kEndsWith: return fn_ends_with(args[0], args[1]);
        case Function::kFormat: return fn_format(args, ctx_.max_memory);
        case Function::kJoin: return fn_join(args, ctx_.max_memory);
        case Function::kToJson: return fn_to_json(args[0]);
        case Function::kFromJson: return fn_from_json(args[0]);
        case Function::kHashFiles: return call_hash_files(args);
        default: break;
      }
    } catch (const EvalFailure& e) {
      throw failure(e.what(), n);
    }
    return Value();
  }

  // Predicates are evaluated in order and must be booleans; only the chosen
  // value is evaluated.
  Value call_case(const Node& n, size_t depth) {
    const auto& c = n.children;
    for (size_t i = 0; i + 1 < c.size(); i += 2) {
      Value predicate = eval(c[i], depth + 1).value;
      if (!predicate.is_bool())
        throw failure("case predicate must evaluate to a boolean value (got " +
                          std::string(Value::kind_name(predicate.kind())) + ")",
                      c[i]);
      if (predicate.as_bool()) return eval(c[i + 1], depth + 1).value;
    }
    return eval(c.back(), depth + 1).value;
  }

  Value call_hash_files(const std::vector<Value>& args) {
    std::vector<std::string> patterns;
    for (const auto& a : args) {
      if (!a.is_string()) throw EvalFailure("hashFiles() patterns must be strings");
      patterns.push_back(a.as_string());
    }
    auto hash = hash_files(ctx_.hash_files_root, patterns);
    if (!hash) throw EvalFailure(hash.error());
    return Value(*hash);
  }

  const EvalContext& ctx_;
  MemoryBudget memory_;
};

}  // namespace

core::Expected<Expression, Error> Expression::parse(std::string_view text, const ParseOptions& options) {
  auto parsed = parse_expression(text, options);
  if (!parsed) return core::unexpected(parsed.error());
  Expression e;
  e.text_ = std::string(text);
  e.root_ = std::move(parsed->root);
  e.references_ = std::move(parsed->references);
  e.uses_status_ = parsed->uses_status;
  return e;
}

core::Expected<Value, Error> Expression::evaluate(const EvalContext& ctx) const {
  if (!root_) return Value();
  try {
    return Evaluator(ctx).eval(*root_, 0).value;
  } catch (const Failure& f) {
    return core::unexpected(f.error);
  } catch (const EvalFailure& f) {
    // Functions report through call(), which adds the column; this is a fallback.
    return core::unexpected(Error{Error::Stage::kEvaluation, f.what(), root_->column});
  }
}

core::Expected<bool, Error> evaluate_condition(const Expression& e, const EvalContext& ctx) {
  // Without a status function, `if: x` means `success() && (x)`; an empty
  // condition is success().
  if (!e.uses_status_function() && ctx.status != JobStatus::kSuccess) return false;
  if (e.text().find_first_not_of(" \t\r\n") == std::string::npos) return true;
  auto v = e.evaluate(ctx);
  if (!v) return core::unexpected(v.error());
  return truthy(*v);
}

}  // namespace wf::expr
