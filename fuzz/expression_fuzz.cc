// The `${{ }}` language: lexer, parser and evaluator, and the template
// splitter. The input is the expression text, then (after the first NUL
// byte, if any) a JSON object used as the context: its keys are the named
// values, next to the ones workflows know. hashFiles() reads an empty
// directory of its own. Properties: never crashes; evaluating twice gives
// the same value (evaluation is pure); to_string() and to_json() of any
// result work.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <unistd.h>

#include "runner/core/json.h"
#include "runner/expr/expr.h"

namespace {

namespace expr = wf::expr;
using wf::core::Value;

// An empty directory for hashFiles(), removed at exit.
struct EmptyDir {
  std::string path;
  EmptyDir() {
    char tmpl[] = "/tmp/wf-fuzz-expr-XXXXXX";
    const char* d = mkdtemp(tmpl);
    path = d ? d : "/nonexistent";
  }
  ~EmptyDir() { rmdir(path.c_str()); }
};

const std::string& empty_dir() {
  static const EmptyDir dir;
  return dir.path;
}

expr::EvalContext context_of(std::string_view json) {
  expr::EvalContext ctx;
  ctx.named_values = Value(Value::Object{});
  if (auto v = wf::core::parse_json(json); v && v->is_object()) ctx.named_values = *v;
  ctx.hash_files_root = empty_dir();
  return ctx;
}

expr::ParseOptions options_for(const Value& named) {
  expr::ParseOptions o;
  o.named_values = {"inputs", "env", "secrets", "steps", "git", "wf", "github"};
  for (const auto& [k, v] : named.as_object()) o.named_values.push_back(k);
  return o;
}

void check_value(const Value& v) {
  (void)expr::to_string(v);
  (void)wf::core::to_json(v);
  (void)expr::truthy(v);
}

// Values equal, NaN included (NaN == NaN here: both runs computed it).
bool same(const Value& a, const Value& b) { return wf::core::to_json(a) == wf::core::to_json(b); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view text = in.substr(0, nul);
  expr::EvalContext ctx = context_of(nul == std::string_view::npos ? "{}" : in.substr(nul + 1));
  ctx.status = static_cast<expr::JobStatus>(size % 3);
  expr::ParseOptions options = options_for(ctx.named_values);

  if (auto e = expr::Expression::parse(text, options)) {
    auto first = e->evaluate(ctx);
    auto second = e->evaluate(ctx);
    if (first.ok() != second.ok()) std::abort();
    if (first.ok()) {
      check_value(*first);
      if (!same(*first, *second)) std::abort();
    }
    (void)expr::evaluate_condition(*e, ctx);
  }
  if (auto t = expr::Template::parse(text, options)) {
    (void)t->references();
    if (auto v = t->render(ctx)) check_value(*v);
  }
  return 0;
}
