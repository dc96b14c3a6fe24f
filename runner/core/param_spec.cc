#include "runner/core/param_spec.h"

#include <algorithm>

#include "runner/core/duration.h"
#include "runner/core/strings.h"

namespace wf::core {

void mark_on_command_line(StepSchema& schema, std::initializer_list<std::string_view> names) {
  for (auto& p : schema.params)
    if (std::find(names.begin(), names.end(), p.name) != names.end()) p.on_command_line = true;
}

ParamSpec make_param(std::string name, ParamType type, std::string doc, std::string example, Value default_value,
                     bool required) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.doc = std::move(doc);
  p.example = std::move(example);
  p.default_value = std::move(default_value);
  p.required = required;
  return p;
}

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::kString: return "string";
    case ParamType::kBool: return "boolean";
    case ParamType::kNumber: return "number";
    case ParamType::kDuration: return "duration";
    case ParamType::kStringList: return "list of strings";
    case ParamType::kStringMap: return "map of strings";
    case ParamType::kMap: return "map";
    case ParamType::kList: return "list";
    case ParamType::kAny: return "any value";
  }
  return "?";
}

namespace {

bool is_scalar(const Value& v) { return v.is_string() || v.is_number() || v.is_bool(); }

std::string got(const char* expected, const Value& v) {
  return std::string("expected ") + expected + ", got " + (v.is_null() ? "null" : Value::kind_name(v.kind()));
}

}  // namespace

std::string check_param_value(const ParamSpec& spec, const Value& v) {
  switch (spec.type) {
    case ParamType::kString:
      if (!is_scalar(v)) return got("a string", v);
      if (!spec.choices.empty() && v.is_string()) {
        for (const auto& c : spec.choices)
          if (c == v.as_string()) return {};
        return with_suggestion("'" + v.as_string() + "' is not one of " + join(spec.choices, ", "), v.as_string(),
                               spec.choices);
      }
      return {};
    case ParamType::kBool:
      if (v.is_bool()) return {};
      if (v.is_string() && (v.as_string() == "true" || v.as_string() == "false")) return {};
      return got("a boolean", v);
    case ParamType::kNumber:
      return v.is_number() ? std::string() : got("a number", v);
    case ParamType::kDuration:
      if (v.is_string() && parse_duration(v.as_string())) return {};
      if (v.is_number() && v.as_number() == 0) return {};
      if (v.is_string()) return "invalid duration '" + v.as_string() + "' (use forms like 90s, 10m, 1h30m)";
      return got("a duration", v);
    case ParamType::kStringList:
      if (is_scalar(v)) return {};
      if (!v.is_array()) return got("a list of strings", v);
      for (const auto& e : v.as_array())
        if (!is_scalar(e)) return got("a list of strings", v) + " element";
      return {};
    case ParamType::kStringMap:
      if (!v.is_object()) return got("a map of strings", v);
      for (const auto& [k, e] : v.as_object())
        if (!is_scalar(e)) return "expected a map of strings, but '" + k + "' is " + Value::kind_name(e.kind());
      return {};
    case ParamType::kMap: return v.is_object() ? std::string() : got("a map", v);
    case ParamType::kList: return v.is_array() ? std::string() : got("a list", v);
    case ParamType::kAny: return {};
  }
  return {};
}

const Value* ParamCheck::known(std::string_view name) const {
  if (dynamic(name)) return nullptr;
  const Value* v = known_.find(name);
  return v && !v->is_null() ? v : nullptr;
}

std::optional<std::string> ParamCheck::known_string(std::string_view name) const {
  const Value* v = known(name);
  if (!v || !v->is_string()) return std::nullopt;
  return v->as_string();
}

bool ParamCheck::dynamic(std::string_view name) const {
  for (const auto& d : dynamic_)
    if (d == name) return true;
  return false;
}

}  // namespace wf::core
