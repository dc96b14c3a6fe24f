#include "runner/exec/script.h"

#include <sstream>

namespace wf::exec {

namespace {

// Tracks the shell's quoting state across literal text, enough to know
// whether an expression lands inside single quotes.
class QuoteState {
 public:
  bool in_single() const { return state_ == kSingle || state_ == kAnsi; }

  void feed(const std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      switch (state_) {
        case kNone:
          if (c == '\\') ++i;
          else if (c == '\'') state_ = kSingle;
          else if (c == '"') state_ = kDouble;
          else if (c == '$' && i + 1 < s.size() && s[i + 1] == '\'') { state_ = kAnsi; ++i; }
          else if (c == '#' && word_start_) state_ = kComment;
          break;
        case kSingle: if (c == '\'') state_ = kNone; break;
        case kAnsi:
          if (c == '\\') ++i;
          else if (c == '\'') state_ = kNone;
          break;
        case kDouble:
          if (c == '\\') ++i;
          else if (c == '"') state_ = kNone;
          break;
        case kComment: if (c == '\n') state_ = kNone; break;
      }
      word_start_ = (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(');
    }
  }

 private:
  enum State { kNone, kSingle, kDouble, kAnsi, kComment };
  State state_ = kNone;
  bool word_start_ = true;
};

}  // namespace

core::Expected<ShellScript, expr::Error> render_script(const expr::Template& t, const expr::EvalContext& ctx) {
  ShellScript out;
  QuoteState quotes;
  int n = 0;
  for (const auto& part : t.parts()) {
    if (!part.is_expression) {
      out.text += part.literal;
      quotes.feed(part.literal);
      continue;
    }
    auto v = part.expression->evaluate(ctx);
    if (!v) return core::unexpected(v.error());
    std::string name = "WF_EXPR_" + std::to_string(++n);
    out.env[name] = expr::to_string(*v);
    out.text += quotes.in_single() ? "'\"${" + name + "}\"'" : "${" + name + "}";
  }
  return out;
}

bool is_posix_shell(const std::string& shell) {
  std::istringstream in(shell);
  std::string first;
  in >> first;
  size_t slash = first.rfind('/');
  if (slash != std::string::npos) first = first.substr(slash + 1);
  for (const char* s : {"sh", "bash", "dash", "zsh", "ksh", "ash"})
    if (first == s) return true;
  return false;
}

}  // namespace wf::exec
