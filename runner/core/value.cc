#include "runner/core/value.h"

#include "runner/core/strings.h"

namespace wf::core {

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  const Object& o = as_object();
  for (const auto& m : o)
    if (m.first == key) return &m.second;
  for (const auto& m : o)
    if (iequals(m.first, key)) return &m.second;
  return nullptr;
}

Value Value::with(std::string key, Value v) const {
  Object o = is_object() ? as_object() : Object{};
  for (auto& m : o) {
    if (m.first == key) {
      m.second = std::move(v);
      return Value(std::move(o));
    }
  }
  o.emplace_back(std::move(key), std::move(v));
  return Value(std::move(o));
}

bool Value::same_instance(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::kArray: return std::get<ArrayPtr>(v_) == std::get<ArrayPtr>(other.v_);
    case Kind::kObject: return std::get<ObjectPtr>(v_) == std::get<ObjectPtr>(other.v_);
    default: return *this == other;
  }
}

bool Value::operator==(const Value& other) const {
  if (kind() != other.kind()) return false;
  switch (kind()) {
    case Kind::kNull: return true;
    case Kind::kBool: return as_bool() == other.as_bool();
    case Kind::kNumber: return as_number() == other.as_number();
    case Kind::kString: return as_string() == other.as_string();
    case Kind::kArray: return as_array() == other.as_array();
    case Kind::kObject: return as_object() == other.as_object();
  }
  return false;
}

const char* Value::kind_name(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "boolean";
    case Kind::kNumber: return "number";
    case Kind::kString: return "string";
    case Kind::kArray: return "array";
    case Kind::kObject: return "object";
  }
  return "?";
}

}  // namespace wf::core
