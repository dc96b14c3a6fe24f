// Template: text with `${{ expr }}` segments.

#include "runner/expr/expr.h"

namespace wf::expr {

namespace {

constexpr std::string_view kOpen = "${{";
constexpr std::string_view kClose = "}}";

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos; }

// The `}}` that ends the expression starting at `from`, skipping quoted
// strings ('' inside one is an escaped quote, which toggling handles too).
size_t find_close(std::string_view text, size_t from) {
  bool in_string = false;
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\'') in_string = !in_string;
    else if (!in_string && text.substr(i, kClose.size()) == kClose) return i;
  }
  return std::string_view::npos;
}

Error shifted(Error e, size_t offset) {
  if (e.column > 0) e.column += static_cast<int>(offset);
  return e;
}

}  // namespace

core::Expected<Template, Error> Template::parse(std::string_view text, const ParseOptions& options) {
  Template t;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find(kOpen, pos);
    if (open == std::string_view::npos) open = text.size();
    if (open > pos) {
      TemplatePart literal;
      literal.literal = std::string(text.substr(pos, open - pos));
      literal.offset = pos;
      t.parts_.push_back(std::move(literal));
    }
    if (open == text.size()) break;
    const size_t start = open + kOpen.size();
    const size_t close = find_close(text, start);
    const int column = static_cast<int>(open) + 1;
    if (close == std::string_view::npos)
      return core::unexpected(Error{Error::Stage::kParsing,
                                    "The expression is not closed: '${{' at column " + std::to_string(column) +
                                        " has no matching '}}'",
                                    column});
    std::string_view body = text.substr(start, close - start);
    if (is_blank(body))
      return core::unexpected(Error{Error::Stage::kParsing, "An expression was expected inside '${{ }}'", column});
    auto e = Expression::parse(body, options);
    if (!e) return core::unexpected(shifted(e.error(), start));
    TemplatePart part;
    part.is_expression = true;
    part.expression = std::make_shared<Expression>(std::move(*e));
    part.offset = start;
    t.parts_.push_back(std::move(part));
    pos = close + kClose.size();
  }
  size_t expressions = 0;
  bool only_blank_literals = true;
  for (const auto& p : t.parts_) {
    if (p.is_expression) ++expressions;
    else only_blank_literals = only_blank_literals && is_blank(p.literal);
  }
  t.single_ = expressions == 1 && only_blank_literals;
  return t;
}

bool Template::has_expressions() const {
  for (const auto& p : parts_)
    if (p.is_expression) return true;
  return false;
}

bool Template::is_single_expression() const { return single_; }

std::vector<Reference> Template::references() const {
  std::vector<Reference> out;
  for (const auto& p : parts_) {
    if (!p.is_expression) continue;
    for (Reference r : p.expression->references()) {
      r.column += static_cast<int>(p.offset);
      out.push_back(std::move(r));
    }
  }
  return out;
}

core::Expected<Value, Error> Template::render(const EvalContext& ctx) const {
  std::string out;
  for (const auto& p : parts_) {
    if (!p.is_expression) {
      if (!single_) out += p.literal;
      continue;
    }
    auto v = p.expression->evaluate(ctx);
    if (!v) return core::unexpected(shifted(v.error(), p.offset));
    if (single_) return *v;
    out += to_string(*v);
  }
  return Value(std::move(out));
}

}  // namespace wf::expr
