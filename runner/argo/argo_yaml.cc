// The export as YAML (yaml-cpp stays in this file).

#include <yaml-cpp/yaml.h>

#include <cmath>

#include "runner/argo/argo_export.h"

namespace wf::argo {

namespace {

void emit(YAML::Emitter& out, const core::Value& v) {
  switch (v.kind()) {
    case core::Value::Kind::kNull: out << YAML::Null; break;
    case core::Value::Kind::kBool: out << v.as_bool(); break;
    case core::Value::Kind::kNumber: {
      double d = v.as_number();
      if (std::floor(d) == d && std::fabs(d) < 1e15) out << static_cast<long long>(d);
      else out << d;
      break;
    }
    case core::Value::Kind::kString: {
      const std::string& s = v.as_string();
      // Multi-line text (the workflow file) as a literal block; every other
      // string quoted, so "true", "10" or "a: b" stay strings.
      bool block = s.size() > 1 && s.back() == '\n' && s[s.size() - 2] != '\n' && s[0] != ' ' && s[0] != '\n' &&
                   s.find_first_of("\r\t") == std::string::npos;
      if (block)
        out << YAML::Literal << s;
      else
        out << YAML::DoubleQuoted << s;
      break;
    }
    case core::Value::Kind::kArray:
      out << YAML::BeginSeq;
      for (const auto& e : v.as_array()) emit(out, e);
      out << YAML::EndSeq;
      break;
    case core::Value::Kind::kObject:
      out << YAML::BeginMap;
      for (const auto& [k, e] : v.as_object()) {
        out << YAML::Key << k << YAML::Value;
        emit(out, e);
      }
      out << YAML::EndMap;
      break;
  }
}

std::string document(const core::Value& v) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, v);
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string to_yaml(const Export& e) { return document(e.config_map) + "---\n" + document(e.workflow); }

}  // namespace wf::argo
