#pragma once
// Helpers for the expression tests: evaluate against a JSON context and show
// the outcome as one comparable line.

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <string_view>

#include "runner/core/json.h"
#include "runner/expr/expr.h"

namespace wf::expr::test {

/// A context from JSON text (an object: named value -> value).
inline core::Value context(std::string_view json) {
  auto v = core::parse_json(json);
  INFO("context: " << json);
  REQUIRE(v.ok());
  REQUIRE(v->is_object());
  return *v;
}

/// Named values of a context: its keys.
inline ParseOptions options_for(const core::Value& ctx) {
  ParseOptions o;
  for (const auto& [k, v] : ctx.as_object()) o.named_values.push_back(k);
  return o;
}

inline std::string stage_name(Error::Stage s) {
  switch (s) {
    case Error::Stage::kLexing: return "lexing";
    case Error::Stage::kParsing: return "parsing";
    case Error::Stage::kEvaluation: return "evaluation";
  }
  return "?";
}

/// "lexing error at 3: Unexpected symbol: '='".
inline std::string show(const Error& e) {
  return stage_name(e.stage) + " error at " + std::to_string(e.column) + ": " + e.message;
}

/// One-line JSON, except NaN and the infinities, which JSON cannot hold.
inline std::string show(const core::Value& v) {
  if (v.is_number() && std::isnan(v.as_number())) return "NaN";
  if (v.is_number() && std::isinf(v.as_number())) return v.as_number() > 0 ? "Infinity" : "-Infinity";
  return core::to_json(v);
}

/// Parses and evaluates `text` with the named values of `json_context`.
inline core::Expected<core::Value, Error> eval(std::string_view text, std::string_view json_context = "{}",
                                               JobStatus status = JobStatus::kSuccess) {
  core::Value ctx = context(json_context);
  auto e = Expression::parse(text, options_for(ctx));
  if (!e) return core::unexpected(e.error());
  EvalContext ec;
  ec.named_values = ctx;
  ec.status = status;
  return e->evaluate(ec);
}

/// The outcome of eval() as show() prints it.
inline std::string run(std::string_view text, std::string_view json_context = "{}") {
  auto r = eval(text, json_context);
  return r ? show(*r) : show(r.error());
}

/// The error of an expression that must fail.
inline Error error_of(std::string_view text, std::string_view json_context = "{}") {
  auto r = eval(text, json_context);
  INFO("expression: " << text << " -> " << (r ? show(*r) : show(r.error())));
  REQUIRE_FALSE(r.ok());
  return r.error();
}

struct Case {
  const char* expr;
  const char* expected;  // show() of the outcome
};

/// Checks a table of cases against one context.
inline void check_all(std::initializer_list<Case> cases, std::string_view json_context = "{}") {
  for (const auto& c : cases) {
    INFO("expression: " << c.expr);
    CHECK(run(c.expr, json_context) == c.expected);
  }
}

}  // namespace wf::expr::test
