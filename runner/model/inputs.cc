#include "runner/model/inputs.h"

#include <cstdlib>

#include "runner/core/strings.h"

namespace wf::model {

std::optional<std::pair<std::string, std::string>> split_assignment(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

namespace {

// Converts command-line text to the input's type; error text on mismatch.
core::Expected<Value, std::string> convert(const InputDecl& in, const std::string& text) {
  if (in.type == "boolean") {
    if (text == "true") return Value(true);
    if (text == "false") return Value(false);
    return core::unexpected("input '" + in.name + "' is a boolean: '" + text + "' is not true or false");
  }
  if (in.type == "number") {
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
      return core::unexpected("input '" + in.name + "' is a number: '" + text + "' is not one");
    return Value(d);
  }
  if (in.type == "choice" && !in.options.empty()) {
    for (const auto& o : in.options)
      if (o == text) return Value(text);
    return core::unexpected("input '" + in.name + "' must be one of " + core::join(in.options, ", ") + ", not '" +
                            text + "'");
  }
  return Value(text);
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
