#include "runner/exec/script.h"

#include <algorithm>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

namespace wf::exec {

namespace {

// Tracks the shell's quoting across the literal text of a script, enough to
// place each expression where the shell expands it as data: plain text,
// '…', "…", $'…', comments, $(…) and `…` (which open a fresh context even
// inside "…"), and here-documents (an unquoted one expands ${VAR}, a quoted
// one expands nothing; quotes inside either are plain characters).
class QuoteState {
 public:
  enum State { kNone, kSingle, kDouble, kAnsi, kComment, kArith, kHeredoc, kQuotedHeredoc };

  State state() const { return body_ ? (heredocs_.front().quoted ? kQuotedHeredoc : kHeredoc) : stack_.back().state; }
  const std::string& heredoc_delimiter() const { return heredocs_.front().delimiter; }
  const std::string& heredoc_line() const { return line_; }

  void feed(const std::string& s) {
    for (size_t i = 0; i < s.size(); ++i) {
      if (body_) {
        body_char(s[i]);
        continue;
      }
      i = step(s, i);
    }
  }

  // Text that the script gets without the shell reading it (an inlined value).
  void feed_data(const std::string& s) {
    for (char c : s) body_char(c);
  }

 private:
  struct Frame {
    State state;
    char closer;  // ')' or '`' for a command substitution, 0 otherwise
  };
  struct Heredoc {
    std::string delimiter;
    bool quoted = false;
    bool strip_tabs = false;
  };

  // One character of a here-document body: a line equal to the delimiter ends it.
  void body_char(char c) {
    if (c != '\n') {
      line_ += c;
      return;
    }
    const Heredoc& h = heredocs_.front();
    std::string_view line = line_;
    if (h.strip_tabs) line.remove_prefix(std::min(line.find_first_not_of('\t'), line.size()));
    if (line == h.delimiter) {
      heredocs_.erase(heredocs_.begin());
      body_ = !heredocs_.empty();
    }
    line_.clear();
  }

  // Reads `<<[-] WORD` starting at s[i] == '<'; returns the index of its last character.
  size_t heredoc_operator(const std::string& s, size_t i) {
    size_t j = i + 2;
    Heredoc h;
    if (j < s.size() && s[j] == '-') {
      h.strip_tabs = true;
      ++j;
    }
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    for (; j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != ';' && s[j] != '|' &&
           s[j] != '&' && s[j] != ')' && s[j] != '<' && s[j] != '>';
         ++j) {
      if (s[j] == '\'' || s[j] == '"') {
        h.quoted = true;
        char q = s[j];
        for (++j; j < s.size() && s[j] != q; ++j) h.delimiter += s[j];
      } else if (s[j] == '\\') {
        h.quoted = true;
        if (j + 1 < s.size()) h.delimiter += s[++j];
      } else {
        h.delimiter += s[j];
      }
    }
    if (!h.delimiter.empty()) heredocs_.push_back(h);
    return j - 1;
  }

  size_t step(const std::string& s, size_t i) {
    char c = s[i];
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    Frame& top = stack_.back();
    bool word_start = word_start_;
    word_start_ = (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(');
    switch (top.state) {
      case kNone:
        if (c == '\\') return i + 1;
        if (c == '\'') stack_.push_back({kSingle, 0});
        else if (c == '"') stack_.push_back({kDouble, 0});
        else if (c == '$' && next == '\'') { stack_.push_back({kAnsi, 0}); return i + 1; }
        else if (c == '$' && next == '(' && i + 2 < s.size() && s[i + 2] == '(') { stack_.push_back({kArith, 0}); return i + 2; }
        else if (c == '$' && next == '(') { stack_.push_back({kNone, ')'}); word_start_ = true; return i + 1; }
        else if (c == '(' && next == '(' && word_start) { stack_.push_back({kArith, 0}); return i + 1; }
        else if (c == '`' && top.closer == '`') stack_.pop_back();
        else if (c == '`') { stack_.push_back({kNone, '`'}); word_start_ = true; }
        else if (c == ')' && top.closer == ')' && stack_.size() > 1) stack_.pop_back();
        else if (c == '#' && word_start) stack_.push_back({kComment, 0});
        else if (c == '<' && next == '<' && i + 2 < s.size() && s[i + 2] == '<') return i + 2;  // <<< here-string
        else if (c == '<' && next == '<') return heredoc_operator(s, i);
        else if (c == '\n' && !heredocs_.empty()) body_ = true;
        return i;
      case kSingle:
        if (c == '\'') stack_.pop_back();
        return i;
      case kAnsi:
        if (c == '\\') return i + 1;
        if (c == '\'') stack_.pop_back();
        return i;
      case kDouble:
        if (c == '\\') return i + 1;
        if (c == '"') stack_.pop_back();
        else if (c == '$' && next == '(' && i + 2 < s.size() && s[i + 2] == '(') { stack_.push_back({kArith, 0}); return i + 2; }
        else if (c == '$' && next == '(') { stack_.push_back({kNone, ')'}); word_start_ = true; return i + 1; }
        else if (c == '`') { stack_.push_back({kNone, '`'}); word_start_ = true; }
        return i;
      case kArith:  // $(( … )): `<<` is a shift here, and quotes do not occur
        if (c == ')' && next == ')') {
          stack_.pop_back();
          return i + 1;
        }
        return i;
      case kComment:
        if (c == '\n') {
          stack_.pop_back();
          if (!heredocs_.empty()) body_ = true;
        }
        return i;
      default:
        return i;
    }
  }

  std::vector<Frame> stack_{{kNone, 0}};
  std::vector<Heredoc> heredocs_;  // announced on the current line, or being read
  bool body_ = false;              // inside the body of heredocs_.front()
  std::string line_;               // the body line read so far
  bool word_start_ = true;
};

// A value inlined into a quoted here-document must not end it early: no
// line of it (the first joined to what the line already holds, the last
// possibly completed by the script's own newline) may equal the delimiter.
bool ends_heredoc(const QuoteState& q, const std::string& value) {
  std::istringstream lines(q.heredoc_line() + value);
  for (std::string line; std::getline(lines, line);) {
    std::string_view stripped = line;
    stripped.remove_prefix(std::min(stripped.find_first_not_of('\t'), stripped.size()));
    if (line == q.heredoc_delimiter() || stripped == q.heredoc_delimiter()) return true;
  }
  return false;
}

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
    std::string value = expr::to_string(*v);
    if (quotes.state() == QuoteState::kQuotedHeredoc) {
      // The shell expands nothing here: the value goes in as it is.
      if (ends_heredoc(quotes, value))
        return core::unexpected(expr::Error{expr::Error::Stage::kEvaluation,
                                            "the value of ${{ " + part.expression->text() +
                                                " }} has a line equal to the here-document's delimiter '" +
                                                quotes.heredoc_delimiter() + "', which would end it early",
                                            0});
      out.text += value;
      quotes.feed_data(value);
      continue;
    }
    std::string name = "WF_EXPR_" + std::to_string(++n);
    out.env[name] = value;
    switch (quotes.state()) {
      case QuoteState::kSingle: out.text += "'\"${" + name + "}\"'"; break;
      case QuoteState::kAnsi: out.text += "'\"${" + name + "}\"$'"; break;
      default: out.text += "${" + name + "}"; break;
    }
  }
  return out;
}

}  // namespace wf::exec
