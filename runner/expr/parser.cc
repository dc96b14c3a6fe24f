#include "runner/expr/parser.h"

#include <algorithm>

#include "runner/core/strings.h"
#include "runner/expr/functions.h"
#include "runner/expr/lexer.h"

namespace wf::expr {

namespace {

// Unwinds the recursive descent to parse_expression(); never escapes it.
struct ParseFailure {
  Error error;
};

class Parser {
 public:
  Parser(const std::vector<Token>& tokens, const ParseOptions& options) : tokens_(tokens), options_(options) {}

  ParsedExpression run() {
    ParsedExpression out;
    if (at_end()) return out;
    auto root = std::make_shared<Node>(expression());
    if (!at_end()) throw unexpected_symbol(peek());
    out.root = std::move(root);
    std::stable_sort(references_.begin(), references_.end(),
                     [](const Reference& a, const Reference& b) { return a.column < b.column; });
    out.references = std::move(references_);
    out.uses_status = uses_status_;
    return out;
  }

 private:
  // Depth grows with each nested expression, operator chain, `!` and
  // postfix access, exactly where GitHub counts it. A failure abandons the
  // whole parse, so only successful paths need to give depth back.
  void enter() {
    if (++depth_ > kMaxDepth)
      throw failure("Exceeded max expression depth " + std::to_string(kMaxDepth), peek().column);
  }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser& p) : p_(p) { p_.enter(); }
    ~DepthGuard() { --p_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& p_;
  };

  Node expression() {
    DepthGuard guard(*this);
    return logical(TokenType::kOr);
  }

  // `a || b || c` and `a && b && c` become one node with every operand.
  Node logical(TokenType op) {
    bool is_or = op == TokenType::kOr;
    Node first = is_or ? logical(TokenType::kAnd) : equality();
    if (!check(op)) return first;
    DepthGuard guard(*this);
    Node node;
    node.kind = is_or ? Node::Kind::kOr : Node::Kind::kAnd;
    node.column = peek().column;
    node.children.push_back(std::move(first));
    while (match(op)) node.children.push_back(is_or ? logical(TokenType::kAnd) : equality());
    return node;
  }

  Node equality() {
    Node left = comparison();
    while (check(TokenType::kEqualEqual) || check(TokenType::kBangEqual)) {
      const Token& op = next();
      left = binary(std::move(left), op, comparison());
    }
    return left;
  }

  Node comparison() {
    Node left = unary();
    while (check(TokenType::kLess) || check(TokenType::kLessEqual) || check(TokenType::kGreater) ||
           check(TokenType::kGreaterEqual)) {
      const Token& op = next();
      left = binary(std::move(left), op, unary());
    }
    return left;
  }

  static Node binary(Node left, const Token& op, Node right) {
    Node node;
    node.kind = Node::Kind::kCompare;
    node.column = op.column;
    switch (op.type) {
      case TokenType::kEqualEqual: node.op = CompareOp::kEq; break;
      case TokenType::kBangEqual: node.op = CompareOp::kNe; break;
      case TokenType::kLess: node.op = CompareOp::kLt; break;
      case TokenType::kLessEqual: node.op = CompareOp::kLe; break;
      case TokenType::kGreater: node.op = CompareOp::kGt; break;
      default: node.op = CompareOp::kGe; break;
    }
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  Node unary() {
    if (!check(TokenType::kBang)) return postfix();
    Node node;
    node.kind = Node::Kind::kNot;
    node.column = next().column;
    DepthGuard guard(*this);
    node.children.push_back(unary());
    return node;
  }

  // `.name`, `.*`, `[expr]`, `[*]` after a context, a call or a group.
  Node postfix() {
    Node node = call();
    if (node.kind != Node::Kind::kNamedValue && node.kind != Node::Kind::kCall && node.kind != Node::Kind::kGroup)
      return node;
    const bool named = node.kind == Node::Kind::kNamedValue;
    bool is_path = named;
    Reference ref{{node.name}, node.column};
    int accesses = 0;
    while (check(TokenType::kLeftBracket) || check(TokenType::kDot)) {
      Node index;
      index.kind = Node::Kind::kIndex;
      index.column = peek().column;
      if (match(TokenType::kLeftBracket)) {
        if (match(TokenType::kStar)) {
          index.star = true;
        } else {
          index.children.push_back(expression());
        }
        consume(TokenType::kRightBracket);
        enter();
      } else {
        next();  // '.'
        enter();
        if (check(TokenType::kIdentifier)) {
          Node name;
          name.column = peek().column;
          name.value = Value(std::string(next().lexeme));
          index.children.push_back(std::move(name));
        } else if (match(TokenType::kStar)) {
          index.star = true;
        } else {
          throw unexpected_symbol(peek());
        }
      }
      // The path of names continues while each access is a literal string.
      if (is_path && !index.star && index.children[0].kind == Node::Kind::kLiteral &&
          index.children[0].value.is_string()) {
        ref.path.push_back(index.children[0].value.as_string());
      } else {
        is_path = false;
      }
      index.children.insert(index.children.begin(), std::move(node));
      node = std::move(index);
      ++accesses;
    }
    depth_ -= accesses;
    if (named) references_.push_back(std::move(ref));
    return node;
  }

  Node call() {
    if (!check(TokenType::kIdentifier)) return primary();
    const Token& id = next();
    Node node;
    node.column = id.column;
    node.name = std::string(id.lexeme);
    if (!check(TokenType::kLeftParen)) {
      node.kind = Node::Kind::kNamedValue;
      if (!is_named_value(id.lexeme))
        throw failure(core::with_suggestion("Unrecognized named-value: '" + node.name + "'", id.lexeme,
                                            options_.named_values),
                      id.column);
      return node;
    }
    const FunctionInfo* info = find_function(id.lexeme);
    if (!info)
      throw failure(core::with_suggestion("Unrecognized function: '" + node.name + "'", id.lexeme, function_names()),
                    id.column);
    node.kind = Node::Kind::kCall;
    node.function = info->id;
    next();  // '('
    while (!match(TokenType::kRightParen)) {
      node.children.push_back(expression());
      if (check(TokenType::kRightParen)) continue;
      consume(TokenType::kComma);
      if (check(TokenType::kRightParen)) throw unexpected_symbol(peek());  // `f(a,)`
    }
    check_arity(*info, node);
    if (is_status_function(info->id)) uses_status_ = true;
    return node;
  }

  void check_arity(const FunctionInfo& info, const Node& call) {
    size_t n = call.children.size();
    auto expects = [&] {
      if (info.min_args == info.max_args) return std::to_string(info.min_args);
      if (info.max_args > 1000) return "at least " + std::to_string(info.min_args);
      return std::to_string(info.min_args) + " to " + std::to_string(info.max_args);
    };
    std::string detail = " (" + std::string(info.name) + "() takes " + expects() + ", got " + std::to_string(n) + ")";
    if (n < info.min_args)
      throw failure("Too few parameters supplied: '" + call.name + "'" + detail, call.column);
    if (n > info.max_args)
      throw failure("Too many parameters supplied: '" + call.name + "'" + detail, call.column);
    if (info.id == Function::kCase && n % 2 == 0)
      throw failure("Even number of parameters supplied, requires an odd number of parameters: '" + call.name +
                        "' (pairs of predicate and value, then a default)",
                    call.column);
  }

  Node primary() {
    Node node;
    node.column = peek().column;
    if (check(TokenType::kLeftParen)) {
      next();
      node.kind = Node::Kind::kGroup;
      node.children.push_back(expression());
      if (at_end()) throw unexpected_end();
      consume(TokenType::kRightParen);
      return node;
    }
    if (at_end()) throw unexpected_end();
    const Token& t = peek();
    switch (t.type) {
      case TokenType::kTrue: node.value = Value(true); break;
      case TokenType::kFalse: node.value = Value(false); break;
      case TokenType::kNull: break;
      case TokenType::kNumber: node.value = Value(t.number); break;
      case TokenType::kString: node.value = Value(t.text); break;
      default: throw unexpected_symbol(t);
    }
    next();
    return node;
  }

  bool is_named_value(std::string_view name) const {
    return std::any_of(options_.named_values.begin(), options_.named_values.end(),
                       [&](const std::string& n) { return core::iequals(n, name); });
  }

  const Token& peek() const { return tokens_[pos_]; }
  bool at_end() const { return peek().type == TokenType::kEnd; }
  bool check(TokenType t) const { return peek().type == t; }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (!at_end()) ++pos_;
    return t;
  }
  bool match(TokenType t) {
    if (!check(t)) return false;
    next();
    return true;
  }
  void consume(TokenType t) {
    if (!match(t)) throw unexpected_symbol(peek());
  }

  static ParseFailure failure(std::string message, int column) {
    return ParseFailure{Error{Error::Stage::kParsing, std::move(message), column}};
  }
  ParseFailure unexpected_symbol(const Token& t) const {
    if (t.type == TokenType::kEnd) return unexpected_end();
    return failure("Unexpected symbol: '" + std::string(t.lexeme) + "'", t.column);
  }
  // Reported at the last token, as GitHub does ("1 <" -> at '<').
  ParseFailure unexpected_end() const {
    const Token& last = tokens_[pos_ > 0 ? pos_ - 1 : 0];
    return failure("Unexpected end of expression: '" + std::string(last.lexeme) + "'", last.column);
  }

  const std::vector<Token>& tokens_;
  const ParseOptions& options_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Reference> references_;
  bool uses_status_ = false;
};

}  // namespace

core::Expected<ParsedExpression, Error> parse_expression(std::string_view text, const ParseOptions& options) {
  auto tokens = lex(text);
  if (!tokens) return core::unexpected(tokens.error());
  try {
    return Parser(*tokens, options).run();
  } catch (const ParseFailure& f) {
    return core::unexpected(f.error);
  }
}

}  // namespace wf::expr
