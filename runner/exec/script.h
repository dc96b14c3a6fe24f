#pragma once
// Turning a `run:` script template into shell text in which every `${{ }}`
// is a reference to an environment variable holding its value, so values are
// only ever data to the shell (DESIGN §1 "Expressions").

#include <map>
#include <string>

#include "runner/core/expected.h"
#include "runner/expr/expr.h"

namespace wf::exec {

struct ShellScript {
  std::string text;                          // the script to run
  std::map<std::string, std::string> env;    // WF_EXPR_1=value, ...
};

/// Each expression part becomes "${WF_EXPR_N}" — or, inside single quotes
/// where the shell would not expand it, '"${WF_EXPR_N}"' (the quote is
/// closed, the variable expanded in double quotes, the quote reopened; $'…'
/// is reopened as $'). $(…) and `…` open a fresh context even inside "…".
/// In the body of a quoted here-document (<<'EOF'), where the shell expands
/// nothing, the value is written as it is — and a value with a line equal to
/// the delimiter is an error, since it would end the document early.
/// Values are expr::to_string() of the expression's result.
core::Expected<ShellScript, expr::Error> render_script(const expr::Template& t, const expr::EvalContext& ctx);

}  // namespace wf::exec
