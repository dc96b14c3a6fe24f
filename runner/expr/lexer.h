#pragma once
// Splits an expression into tokens (private to runner/expr). Token rules
// follow actions/languageservices expressions/src/lexer.ts, so the same
// inputs fail at the lexing stage.

#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/expr/expr.h"

namespace wf::expr {

enum class TokenType {
  kLeftParen, kRightParen, kLeftBracket, kRightBracket, kComma, kDot,
  kBang, kBangEqual, kEqualEqual, kGreater, kGreaterEqual, kLess, kLessEqual,
  kAnd, kOr, kStar,
  kNumber, kString, kIdentifier, kTrue, kFalse, kNull,
  kEnd,
};

struct Token {
  TokenType type = TokenType::kEnd;
  std::string_view lexeme;  // a view into the lexed text
  std::string text;         // kString: the unescaped value
  double number = 0;        // kNumber
  int column = 0;           // 1-based byte offset of the first character
};

/// GitHub rejects longer expressions.
inline constexpr size_t kMaxExpressionLength = 21000;

/// Tokens of `text`, ending with one kEnd token. Fails (stage kLexing) on a
/// malformed number, an unterminated string, a character that starts no
/// token (`"`, `@`, a lone `=`, `&` or `|`), or an illegal identifier.
/// Tokens view `text`, which must outlive them.
core::Expected<std::vector<Token>, Error> lex(std::string_view text);

}  // namespace wf::expr
