#include "runner/expr/lexer.h"

#include <cmath>
#include <limits>

#include "runner/expr/coerce.h"

namespace wf::expr {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Characters that end a number or an identifier.
bool is_boundary(char c) {
  switch (c) {
    case '(': case '[': case ')': case ']': case ',': case '.':
    case '!': case '>': case '<': case '=': case '&': case '|':
      return true;
    default:
      return is_space(c);
  }
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [A-Za-z_][A-Za-z0-9_-]*
bool is_legal_identifier(std::string_view s) {
  if (s.empty() || !is_alpha(s[0])) return false;
  for (char c : s.substr(1))
    if (!is_alpha(c) && !is_digit(c) && c != '-') return false;
  return true;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  core::Expected<std::vector<Token>, Error> run() {
    if (text_.size() > kMaxExpressionLength)
      return fail("Exceeded max expression length " + std::to_string(kMaxExpressionLength), 1);
    while (offset_ < text_.size()) {
      start_ = offset_;
      char c = text_[offset_++];
      if (is_space(c)) continue;
      bool ok = true;
      switch (c) {
        case '(': add(TokenType::kLeftParen); break;
        case ')': add(TokenType::kRightParen); break;
        case '[': add(TokenType::kLeftBracket); break;
        case ']': add(TokenType::kRightBracket); break;
        case ',': add(TokenType::kComma); break;
        case '*': add(TokenType::kStar); break;
        case '!': add(match('=') ? TokenType::kBangEqual : TokenType::kBang); break;
        case '<': add(match('=') ? TokenType::kLessEqual : TokenType::kLess); break;
        case '>': add(match('=') ? TokenType::kGreaterEqual : TokenType::kGreater); break;
        case '=': ok = match('=') ? (add(TokenType::kEqualEqual), true) : identifier(); break;
        case '&': ok = match('&') ? (add(TokenType::kAnd), true) : identifier(); break;
        case '|': ok = match('|') ? (add(TokenType::kOr), true) : identifier(); break;
        case '\'': ok = string(); break;
        case '.': ok = follows_operand() ? (add(TokenType::kDot), true) : number(); break;
        case '-': case '+': ok = number(); break;
        default: ok = is_digit(c) ? number() : identifier(); break;
      }
      if (!ok) return core::unexpected(error_);
    }
    start_ = offset_;
    add(TokenType::kEnd);
    return std::move(tokens_);
  }

 private:
  // A '.' after these is property access; anywhere else it starts a number (".5").
  bool follows_operand() const {
    if (tokens_.empty()) return false;
    TokenType t = tokens_.back().type;
    return t == TokenType::kIdentifier || t == TokenType::kRightBracket ||
           t == TokenType::kRightParen || t == TokenType::kStar;
  }

  bool match(char expected) {
    if (offset_ >= text_.size() || text_[offset_] != expected) return false;
    ++offset_;
    return true;
  }

  Token& add(TokenType type) {
    Token t;
    t.type = type;
    t.lexeme = text_.substr(start_, offset_ - start_);
    t.column = static_cast<int>(start_) + 1;
    tokens_.push_back(std::move(t));
    return tokens_.back();
  }

  void read_to_boundary(bool include_dots) {
    while (offset_ < text_.size() && (!is_boundary(text_[offset_]) || (include_dots && text_[offset_] == '.')))
      ++offset_;
  }

  bool number() {
    read_to_boundary(true);
    std::string_view lexeme = text_.substr(start_, offset_ - start_);
    double v = string_to_number(lexeme);
    if (std::isnan(v)) return unexpected_symbol(lexeme, "");
    add(TokenType::kNumber).number = v;
    return true;
  }

  bool string() {
    std::string value;
    while (offset_ < text_.size()) {
      char c = text_[offset_++];
      if (c == '\'') {
        if (offset_ < text_.size() && text_[offset_] == '\'') {
          ++offset_;  // '' is an escaped quote
        } else {
          add(TokenType::kString).text = std::move(value);
          return true;
        }
      }
      value += c;
    }
    return unexpected_symbol(text_.substr(start_), "; the string has no closing quote");
  }

  bool identifier() {
    read_to_boundary(false);
    std::string_view lexeme = text_.substr(start_, offset_ - start_);
    if (!is_legal_identifier(lexeme)) {
      bool quoted = lexeme[0] == '"';
      return unexpected_symbol(lexeme, quoted ? "; strings use single quotes ('text')" : "");
    }
    TokenType type = TokenType::kIdentifier;
    double number = 0;
    bool after_dot = !tokens_.empty() && tokens_.back().type == TokenType::kDot;
    if (!after_dot) {
      // Keywords are case-sensitive; after '.' they are property names (foo.null).
      if (lexeme == "true") type = TokenType::kTrue;
      else if (lexeme == "false") type = TokenType::kFalse;
      else if (lexeme == "null") type = TokenType::kNull;
      else if (lexeme == "NaN") type = TokenType::kNumber, number = std::numeric_limits<double>::quiet_NaN();
      else if (lexeme == "Infinity") type = TokenType::kNumber, number = std::numeric_limits<double>::infinity();
    }
    add(type).number = number;
    return true;
  }

  bool unexpected_symbol(std::string_view lexeme, std::string_view hint) {
    error_ = Error{Error::Stage::kLexing, "Unexpected symbol: '" + std::string(lexeme) + "'" + std::string(hint),
                   static_cast<int>(start_) + 1};
    return false;
  }

  core::Expected<std::vector<Token>, Error> fail(std::string message, int column) {
    return core::unexpected(Error{Error::Stage::kLexing, std::move(message), column});
  }

  std::string_view text_;
  size_t offset_ = 0;
  size_t start_ = 0;
  std::vector<Token> tokens_;
  Error error_;
};

}  // namespace

core::Expected<std::vector<Token>, Error> lex(std::string_view text) { return Lexer(text).run(); }

}  // namespace wf::expr
