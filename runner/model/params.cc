// Values that may hold `${{ }}`: `with:` parameters and their static types,
// env and output strings, `if:` conditions, and the names expressions read.

#include <algorithm>

#include "runner/core/strings.h"
#include "runner/model/load_context.h"

namespace wf::model::detail {

namespace {

using core::ParamType;

// Where X of `inputs.X` starts, so an error points at the name itself;
// the named value's own column when it is not written that way.
size_t name_offset(const std::string& text, const expr::Reference& ref) {
  size_t off = ref.column > 0 ? static_cast<size_t>(ref.column - 1) : 0;
  const std::string& head = ref.path[0];
  const std::string& name = ref.path[1];
  size_t dot = off + head.size();
  if (dot < text.size() && core::iequals(std::string_view(text).substr(off, head.size()), head) && text[dot] == '.' &&
      text.compare(dot + 1, name.size(), name) == 0)
    return dot + 1;
  return off;
}

// Exact match first, then case-insensitive (contexts are looked up that way).
const std::string* find_name(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (n == name) return &n;
  for (const auto& n : names)
    if (core::iequals(n, name)) return &n;
  return nullptr;
}

std::string unknown_name(const std::string& kind, const std::string& name, const std::vector<std::string>& names) {
  std::string message = "unknown " + kind + " '" + name + "'";
  if (names.empty()) return message + " (the workflow declares no " + kind + "s)";
  return core::with_suggestion(message, name, names);
}

size_t error_offset(const expr::Error& e) { return e.column > 0 ? static_cast<size_t>(e.column - 1) : 0; }

// Parameter types whose scalars are strings whatever they look like.
bool scalars_are_strings(ParamType t) {
  return t == ParamType::kString || t == ParamType::kDuration || t == ParamType::kStringList ||
         t == ParamType::kStringMap;
}

}  // namespace

std::optional<expr::Template> LoadContext::template_of(const YamlNode& n, const ExprScope& scope) {
  expr::ParseOptions options;
  options.named_values = *scope.named_values;
  auto t = expr::Template::parse(n.text, options);
  if (!t) {
    error(source_.loc_at(n, error_offset(t.error())), "invalid expression: " + t.error().message);
    return std::nullopt;
  }
  check_references(n, t->references(), scope);
  return std::move(*t);
}

void LoadContext::check_references(const YamlNode& n, const std::vector<expr::Reference>& refs,
                                   const ExprScope& scope) {
  for (const auto& ref : refs) {
    if (!ref.path.empty() && core::iequals(ref.path[0], "git")) reads_git = true;
    if (!ref.path.empty() && core::iequals(ref.path[0], "matrix")) {
      check_matrix_reference(n, ref, scope);
      continue;
    }
    if (ref.path.size() < 2) {
      if (!ref.path.empty() && core::iequals(ref.path[0], "steps") && scope.reads_all_steps)
        *scope.reads_all_steps = true;
      continue;
    }
    const std::string& head = ref.path[0];
    const std::string& name = ref.path[1];
    SourceLoc at = source_.loc_at(n, name_offset(n.text, ref));
    if (core::iequals(head, "inputs") && !find_name(input_names, name)) {
      error(at, unknown_name("input", name, input_names));
    } else if (core::iequals(head, "secrets") && !find_name(secret_names, name)) {
      error(at, unknown_name("secret", name, secret_names));
    } else if (core::iequals(head, "steps")) {
      const std::string* id = find_name(step_ids, name);
      if (!id)
        error(at, unknown_name("step", name, step_ids));
      else if (scope.step_refs)  // where the whole `steps.X...` starts
        scope.step_refs->push_back(Need{*id, source_.loc_at(n, ref.column > 0 ? ref.column - 1 : 0)});
    }
  }
}

void LoadContext::check_matrix_reference(const YamlNode& n, const expr::Reference& ref, const ExprScope& scope) {
  size_t at = ref.column > 0 ? static_cast<size_t>(ref.column - 1) : 0;
  if (!scope.matrix_keys) return error(source_.loc_at(n, at), std::string("'matrix' is not available here: ") + scope.no_matrix);
  if (ref.path.size() < 2 || scope.matrix_any_key || find_name(*scope.matrix_keys, ref.path[1])) return;
  error(source_.loc_at(n, name_offset(n.text, ref)),
        core::with_suggestion("the matrix has no key '" + ref.path[1] + "' (it has: " + core::join(*scope.matrix_keys, ", ") + ")",
                              ref.path[1], *scope.matrix_keys));
}

Value LoadContext::value_of(const YamlNode& n, bool as_strings, const std::string& path, Param& p,
                            const ExprScope& scope) {
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return Value();
    case YamlNode::Kind::kSequence: {
      Value::Array items;
      for (size_t i = 0; i < n.items.size(); ++i)
        items.push_back(value_of(n.items[i], as_strings, path + "/" + std::to_string(i), p, scope));
      return Value(std::move(items));
    }
    case YamlNode::Kind::kMapping: {
      Value::Object members;
      for (const auto& [k, v] : n.members)
        members.emplace_back(k.text, value_of(v, as_strings, path + "/" + k.text, p, scope));
      return Value(std::move(members));
    }
    case YamlNode::Kind::kScalar:
      break;
  }
  if (!as_strings) {
    if (auto b = n.as_bool()) return Value(*b);
    if (auto d = n.as_number()) return Value(*d);
  }
  if (auto t = template_of(n, scope)) {
    p.templates.emplace(path, std::move(*t));
    p.locs.emplace(path, source_.loc_at(n, 0));
  }
  return Value(n.text);
}

void LoadContext::check_param_type(const YamlNode& n, const core::ParamSpec& spec, const std::string& what) {
  switch (spec.type) {
    case ParamType::kString:
      if (!n.is_scalar()) return type_error(n, what, "a string");
      if (!spec.choices.empty() && std::find(spec.choices.begin(), spec.choices.end(), n.text) == spec.choices.end())
        error(n, core::with_suggestion(
                     "invalid value '" + n.text + "' for " + what + " (one of: " + core::join(spec.choices, ", ") + ")",
                     n.text, spec.choices));
      return;
    case ParamType::kBool:
      if (!n.as_bool()) type_error(n, what, "a boolean (true or false)");
      return;
    case ParamType::kNumber:
      if (!n.as_number()) type_error(n, what, "a number");
      return;
    case ParamType::kDuration:
      duration_of(n, what);
      return;
    case ParamType::kStringList:
      if (n.is_scalar()) return;
      if (!n.is_sequence()) return type_error(n, what, "a string or a list of strings");
      for (const auto& item : n.items)
        if (!item.is_scalar()) type_error(item, "each item of " + what, "a string");
      return;
    case ParamType::kStringMap:
      if (!n.is_mapping()) return type_error(n, what, "a mapping of strings");
      for (const auto& [k, v] : n.members)
        if (!v.is_scalar()) type_error(v, "'" + k.text + "' in " + what, "a string");
      return;
    case ParamType::kMap:
      if (!n.is_mapping()) type_error(n, what, "a mapping");
      return;
    case ParamType::kList:
      if (!n.is_sequence()) type_error(n, what, "a list");
      return;
    case ParamType::kAny:
      return;
  }
}

Param LoadContext::param_of(const YamlNode& n, const core::ParamSpec* spec, const std::string& what,
                            const ExprScope& scope) {
  Param p;
  p.loc = loc(n);
  // A value that is or holds an expression has its type only once resolved.
  if (spec && !(n.is_scalar() && has_expression(n.text))) check_param_type(n, *spec, what);
  p.value = value_of(n, spec && scalars_are_strings(spec->type), "", p, scope);
  return p;
}

std::optional<Param> LoadContext::string_param_of(const YamlNode& n, const std::string& what, const ExprScope& scope) {
  if (!n.is_scalar()) {
    type_error(n, what, "a string");
    return std::nullopt;
  }
  Param p;
  p.loc = loc(n);
  p.value = value_of(n, true, "", p, scope);
  return p;
}

std::optional<expr::Expression> LoadContext::condition_of(const YamlNode& n, const std::string& what,
                                                          const ExprScope& scope) {
  expr::ParseOptions options;
  options.named_values = *scope.named_values;
  if (auto b = n.as_bool()) {
    auto e = expr::Expression::parse(*b ? "true" : "false", options);
    if (e) return std::move(*e);
    return std::nullopt;
  }
  if (!n.is_scalar()) {
    type_error(n, what, "an expression or a boolean");
    return std::nullopt;
  }
  if (has_expression(n.text)) {
    auto t = template_of(n, scope);
    if (!t) return std::nullopt;
    if (!t->is_single_expression()) {
      // GitHub would make this a non-empty string, i.e. always true.
      error(n, what + " has text outside its ${{ }}; write the whole condition inside it");
      return std::nullopt;
    }
    for (const auto& part : t->parts())
      if (part.is_expression) return *part.expression;
    return std::nullopt;
  }
  auto e = expr::Expression::parse(n.text, options);
  if (!e) {
    error(source_.loc_at(n, error_offset(e.error())), "invalid expression: " + e.error().message);
    return std::nullopt;
  }
  check_references(n, e->references(), scope);
  return std::move(*e);
}

std::vector<std::pair<std::string, Param>> LoadContext::env_of(const YamlNode& n, const std::string& what,
                                                               const ExprScope& scope) {
  std::vector<std::pair<std::string, Param>> out;
  if (n.is_null()) return out;
  if (!n.is_mapping()) {
    type_error(n, what, "a mapping of variable names to strings");
    return out;
  }
  for (const auto& [k, v] : n.members) {
    const bool valid = !k.text.empty() && k.text.find('-') == std::string::npos && is_identifier(k.text);
    if (!valid) error(k, "invalid environment variable name '" + k.text + "' in " + what);
    if (auto p = string_param_of(v, "'" + k.text + "' in " + what, scope)) out.emplace_back(k.text, std::move(*p));
  }
  return out;
}

}  // namespace wf::model::detail
