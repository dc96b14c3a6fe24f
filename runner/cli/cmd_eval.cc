#include <fstream>
#include <ostream>
#include <sstream>

#include "runner/cli/commands.h"
#include "runner/core/json.h"
#include "runner/expr/expr.h"

namespace wf::cli {

namespace {

core::Expected<core::Value, std::string> read_context(const std::string& path) {
  if (path.empty()) return core::Value(core::Value::Object{});
  std::ifstream in(path);
  if (!in) return core::unexpected("cannot read context file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = core::parse_json(ss.str());
  if (!v) return core::unexpected(path + ": invalid JSON: " + v.error());
  if (!v->is_object()) return core::unexpected(path + ": the context must be a JSON object of named values");
  return *v;
}

// "${{ x }}" alone is the expression x; anything else with ${{ is a template.
bool is_template(const std::string& text) { return text.find("${{") != std::string::npos; }

// The expression of a template that is exactly one `${{ }}`.
std::string single_expression_text(const expr::Template& t) {
  for (const auto& p : t.parts())
    if (p.is_expression) return p.expression->text();
  return {};
}

std::string stage_name(expr::Error::Stage s) {
  switch (s) {
    case expr::Error::Stage::kLexing: return "syntax error";
    case expr::Error::Stage::kParsing: return "parse error";
    case expr::Error::Stage::kEvaluation: return "evaluation error";
  }
  return "error";
}

int report(const Env& env, const std::string& text, const expr::Error& e) {
  env.err << "error: " << stage_name(e.stage) << ": " << e.message << "\n";
  if (e.column > 0 && e.stage != expr::Error::Stage::kEvaluation) {
    env.err << "  " << text << "\n  " << std::string(static_cast<size_t>(e.column - 1), ' ') << "^\n";
  }
  return 2;
}

}  // namespace

int cmd_eval(const Env& env, const EvalArgs& args) {
  auto ctx_value = read_context(args.context_file);
  if (!ctx_value) {
    env.err << "error: " << ctx_value.error() << "\n";
    return 2;
  }
  expr::ParseOptions opts;
  for (const auto& [k, v] : ctx_value->as_object()) opts.named_values.push_back(k);
  expr::EvalContext ctx;
  ctx.named_values = *ctx_value;
  if (args.status == "failure") ctx.status = expr::JobStatus::kFailure;
  else if (args.status == "cancelled") ctx.status = expr::JobStatus::kCancelled;
  else if (args.status != "success") {
    env.err << "error: --status must be success, failure or cancelled\n";
    return 2;
  }

  core::Expected<core::Value, expr::Error> result = core::Value();
  if (is_template(args.expression) && !args.condition) {
    auto t = expr::Template::parse(args.expression, opts);
    if (!t) return report(env, args.expression, t.error());
    result = t->render(ctx);
  } else {
    std::string text = args.expression;
    if (is_template(text)) {
      auto t = expr::Template::parse(text, opts);
      if (!t) return report(env, args.expression, t.error());
      if (!t->is_single_expression()) {
        env.err << "error: a condition is one expression, not text with several ${{ }}\n";
        return 2;
      }
      text = single_expression_text(*t);
    }
    auto e = expr::Expression::parse(text, opts);
    if (!e) return report(env, text, e.error());
    if (args.condition) {
      auto b = expr::evaluate_condition(*e, ctx);
      if (!b) return report(env, text, b.error());
      result = core::Value(*b);
    } else {
      result = e->evaluate(ctx);
    }
  }
  if (!result) return report(env, args.expression, result.error());
  env.out << core::to_json(*result, 2) << "\n";
  return 0;
}

}  // namespace wf::cli
