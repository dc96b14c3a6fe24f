#include <algorithm>
#include <ostream>
#include <sstream>

#include "runner/cli/commands.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"

namespace wf::cli {

namespace {

std::string indent(const std::string& text, const std::string& pad) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line)) out += line.empty() ? "\n" : pad + line + "\n";
  return out;
}

void print_list(const Env& env) {
  size_t width = 0;
  for (const auto& t : env.registry.types()) width = std::max(width, t->schema().type.size());
  env.out << "Step types (use one with `uses: TYPE`; `run:` is the run type):\n";
  for (const auto& t : env.registry.types()) {
    const auto& s = t->schema();
    env.out << "  " << s.type << std::string(width + 2 - s.type.size(), ' ') << s.summary << "\n";
  }
  env.out << "\n`wf steps TYPE` shows a type's parameters, outputs and an example.\n";
}

void print_param(const Env& env, const core::ParamSpec& p) {
  env.out << "  " << p.name << "  (" << core::param_type_name(p.type);
  if (p.required) env.out << ", required";
  if (!p.default_value.is_null()) env.out << ", default " << core::to_json(p.default_value);
  if (p.secret) env.out << ", secret";
  env.out << ")\n";
  env.out << indent(p.doc, "      ");
  if (!p.choices.empty()) env.out << "      one of: " << core::join(p.choices, ", ") << "\n";
  if (!p.example.empty()) {
    if (p.example.find('\n') == std::string::npos)
      env.out << "      example: " << p.name << ": " << p.example << "\n";
    else
      env.out << "      example:\n" << indent(p.name + ": " + p.example, "        ");
  }
}

}  // namespace

int cmd_steps(const Env& env, const StepsArgs& args) {
  if (args.type.empty()) {
    print_list(env);
    return 0;
  }
  const core::StepSchema* s = env.registry.schema(args.type);
  if (!s) {
    env.err << core::with_suggestion("error: unknown step type '" + args.type + "'", args.type,
                                     env.registry.names())
            << "\n";
    return 2;
  }
  env.out << s->type << ": " << s->summary << "\n\n";
  if (!s->description.empty()) env.out << indent(s->description, "") << "\n";
  env.out << "Parameters (with:):\n";
  for (const auto& p : s->params) print_param(env, p);
  if (!s->outputs.empty()) {
    env.out << "\nOutputs (steps.<id>.outputs.<name>):\n";
    for (const auto& [name, doc] : s->outputs) env.out << "  " << name << "  " << doc << "\n";
  }
  if (!s->example.empty()) env.out << "\nExample:\n" << indent(s->example, "  ");
  return 0;
}

}  // namespace wf::cli
