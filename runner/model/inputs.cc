#include "runner/model/inputs.h"

#include <algorithm>
#include <cstdlib>

#include "runner/core/strings.h"
#include "runner/expr/expr.h"

namespace wf::model {

std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

std::optional<Value> typed_input(const InputDecl& in, const Value& v) {
  if (!v.is_string() && !v.is_number() && !v.is_bool()) return std::nullopt;
  const std::string text = expr::to_string(v);
  if (in.type == "boolean") {
    if (text == "true" || text == "false") return Value(text == "true");
    return std::nullopt;
  }
  if (in.type == "number") {
    if (v.is_number()) return v;
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0') return std::nullopt;
    return Value(d);
  }
  if (in.type == "choice" && !in.options.empty() &&
      std::find(in.options.begin(), in.options.end(), text) == in.options.end())
    return std::nullopt;
  return Value(text);
}

std::string input_type_expectation(const InputDecl& in) {
  if (in.type == "boolean") return "must be true or false";
  if (in.type == "number") return "must be a number";
  return "must be one of " + core::join(in.options, ", ");
}

namespace {

// Converts command-line text to the input's type; error text on mismatch.
core::Expected<Value, std::string> convert(const InputDecl& in, const std::string& text) {
  if (auto v = typed_input(in, Value(text))) return *v;
  if (in.type == "boolean")
    return core::unexpected("input '" + in.name + "' is a boolean: '" + text + "' is not true or false");
  if (in.type == "number") return core::unexpected("input '" + in.name + "' is a number: '" + text + "' is not one");
  return core::unexpected("input '" + in.name + "' must be one of " + core::join(in.options, ", ") + ", not '" + text +
                          "'");
}

}  // namespace

core::Expected<Value, std::vector<std::string>> resolve_inputs(
    const Workflow& wf, const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> errors;
  std::vector<std::string> names;
  for (const auto& in : wf.inputs) names.push_back(in.name);
  Value::Object out;
  for (const auto& in : wf.inputs) out.emplace_back(in.name, in.default_value);
  for (const auto& [name, text] : overrides) {
    const InputDecl* in = wf.input(name);
    if (!in) {
      errors.push_back(core::with_suggestion("unknown input '" + name + "'", name, names) +
                       (names.empty() ? " (the workflow declares no inputs)" : ""));
      continue;
    }
    auto v = convert(*in, text);
    if (!v) {
      errors.push_back(v.error());
      continue;
    }
    for (auto& m : out)
      if (m.first == in->name) m.second = *v;
  }
  for (const auto& in : wf.inputs) {
    for (const auto& m : out)
      if (m.first == in.name && m.second.is_null() && in.required)
        errors.push_back("input '" + in.name + "' is required: pass -i " + in.name + "=VALUE");
  }
  if (!errors.empty()) return core::unexpected(std::move(errors));
  return Value(std::move(out));
}

}  // namespace wf::model
