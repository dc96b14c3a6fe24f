#include "steps/helm_template/options.h"

#include <regex>

#include "runner/core/json.h"

namespace wf::steps::helm_template {

namespace {

using core::Value;

std::vector<std::string> string_list(const Value& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.as_string());
  if (v.is_array())
    for (const auto& e : v.as_array())
      if (!e.is_null()) out.push_back(e.is_string() ? e.as_string() : scalar_text(e));
  return out;
}

std::string string_of(const Value& with, std::string_view name) {
  const Value* v = with.find(name);
  if (!v || v->is_null()) return {};
  return v->is_string() ? v->as_string() : scalar_text(*v);
}

bool bool_of(const Value& with, std::string_view name) {
  const Value* v = with.find(name);
  if (!v) return false;
  if (v->is_bool()) return v->as_bool();
  return v->is_string() && v->as_string() == "true";
}

// `a.b\.c` -> {"a", "b.c"}; an empty list when the key is malformed.
std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '\\' && i + 1 < key.size() && key[i + 1] == '.') {
      parts.back() += '.';
      ++i;
    } else if (key[i] == '.') {
      parts.emplace_back();
    } else {
      parts.back() += key[i];
    }
  }
  for (const auto& p : parts)
    if (p.empty()) return {};
  return parts;
}

// `over` on top of `base`: maps merge key by key, anything else replaces.
Value merged(const Value& base, const Value& over) {
  if (!base.is_object() || !over.is_object()) return over;
  Value::Object out = base.as_object();
  for (const auto& [k, v] : over.as_object()) {
    bool found = false;
    for (auto& [bk, bv] : out)
      if (bk == k) {
        bv = merged(bv, v);
        found = true;
      }
    if (!found) out.emplace_back(k, v);
  }
  return Value(std::move(out));
}

Value nested(const std::vector<std::string>& path, Value leaf) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) leaf = Value(Value::Object{{*it, std::move(leaf)}});
  return leaf;
}

}  // namespace

std::string scalar_text(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_null()) return "";
  return core::to_json(v);
}

std::string set_key_problem(const std::string& key) {
  if (key.find('[') != std::string::npos || key.find(']') != std::string::npos)
    return "set key '" + key + "': list indexes are not supported; give the whole list as the value";
  if (split_key(key).empty()) return "set key '" + key + "' has an empty part (write a dot in a key as \\.)";
  return {};
}

core::Expected<Value, std::string> set_document(const Value& set, bool as_strings) {
  Value doc{Value::Object{}};
  if (set.is_null()) return doc;
  if (!set.is_object()) return core::unexpected(std::string("expected a map of dotted keys to values"));
  for (const auto& [key, value] : set.as_object()) {
    if (std::string problem = set_key_problem(key); !problem.empty()) return core::unexpected(problem);
    if (as_strings && (value.is_array() || value.is_object()))
      return core::unexpected("set-string '" + key + "': expected a string, got " + Value::kind_name(value.kind()));
    Value leaf = as_strings && !value.is_null() ? Value(scalar_text(value)) : value;
    doc = merged(doc, nested(split_key(key), std::move(leaf)));
  }
  return doc;
}

core::Expected<Options, std::string> read_options(const Value& with) {
  Options o;
  o.chart = string_of(with, "chart");
  o.release = string_of(with, "release");
  if (o.chart.empty()) return core::unexpected(std::string("chart: a chart folder or .tgz is required"));
  if (o.release.empty()) return core::unexpected(std::string("release: a release name is required"));
  if (std::string p = release_name_problem(o.release); !p.empty()) return core::unexpected("release: " + p);
  o.namespace_ = string_of(with, "namespace");
  if (const Value* v = with.find("values")) o.values = string_list(*v);
  if (const Value* v = with.find("set")) o.set = *v;
  if (const Value* v = with.find("set-string")) o.set_string = *v;
  o.kube_version = string_of(with, "kube-version");
  if (const Value* v = with.find("api-versions")) o.api_versions = string_list(*v);
  o.include_crds = bool_of(with, "include-crds");
  o.skip_tests = bool_of(with, "skip-tests");
  if (const Value* v = with.find("show-only")) o.show_only = string_list(*v);
  o.output = string_of(with, "output");
  o.output_dir = string_of(with, "output-dir");
  if (!o.output.empty() && !o.output_dir.empty())
    return core::unexpected(std::string("output and output-dir: give one of them, not both"));
  std::string deps = string_of(with, "dependency-build");
  if (!deps.empty()) o.dependency_build = deps;
  if (o.dependency_build != "auto" && o.dependency_build != "always" && o.dependency_build != "never")
    return core::unexpected("dependency-build: '" + o.dependency_build + "' is not one of auto, always, never");
  return o;
}

std::vector<std::string> template_args(const Options& o, const std::vector<std::string>& values_files,
                                       const std::string& output_dir) {
  std::vector<std::string> a = {"template", o.release, o.chart};
  if (!o.namespace_.empty()) a.insert(a.end(), {"--namespace", o.namespace_});
  for (const auto& f : values_files) a.insert(a.end(), {"--values", f});
  if (!o.kube_version.empty()) a.insert(a.end(), {"--kube-version", o.kube_version});
  for (const auto& v : o.api_versions) a.insert(a.end(), {"--api-versions", v});
  if (o.include_crds) a.push_back("--include-crds");
  if (o.skip_tests) a.push_back("--skip-tests");
  for (const auto& s : o.show_only) a.insert(a.end(), {"--show-only", s});
  if (!output_dir.empty()) a.insert(a.end(), {"--output-dir", output_dir});
  return a;
}

std::string release_name_problem(const std::string& name) {
  static const std::regex kName(R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)");
  if (name.size() > 53) return "'" + name + "' is longer than 53 characters (helm's limit for a release name)";
  if (!std::regex_match(name, kName))
    return "'" + name + "' is not a valid release name (lower-case letters, digits, '-' and '.', "
           "starting and ending with a letter or digit)";
  return {};
}

}  // namespace wf::steps::helm_template
