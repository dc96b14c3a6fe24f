#pragma once
// The JSON-like value that flows through wf: workflow `with:` parameters,
// expression results, step outputs, contexts.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wf::core {

/// null, boolean, number (double), string, array or object. Arrays and
/// objects are shared and immutable once built: copying a Value is cheap and
/// two copies are "the same instance", which GitHub's `==` on objects needs.
/// Objects keep insertion order (the `*` filter yields values in that order)
/// and are looked up case-insensitively, as GitHub contexts are.
/// Thread-safety: a Value is immutable; concurrent reads are safe.
class Value {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<Value>;
  using Member = std::pair<std::string, Value>;
  using Object = std::vector<Member>;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(double d) : v_(d) {}
  Value(int i) : v_(static_cast<double>(i)) {}
  Value(long i) : v_(static_cast<double>(i)) {}
  Value(long long i) : v_(static_cast<double>(i)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::make_shared<const Array>(std::move(a))) {}
  Value(Object o) : v_(std::make_shared<const Object>(std::move(o))) {}

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }

  /// Accessors; calling the wrong one for kind() throws std::bad_variant_access.
  bool as_bool() const { return std::get<bool>(v_); }
  double as_number() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return *std::get<ArrayPtr>(v_); }
  const Object& as_object() const { return *std::get<ObjectPtr>(v_); }

  /// Object member by name: exact match first, then ASCII case-insensitive.
  /// nullptr when absent or when this is not an object.
  const Value* find(std::string_view key) const;

  /// A copy of this object with `key` set (replaced in place if present,
  /// appended otherwise). A null Value becomes an empty object first.
  Value with(std::string key, Value v) const;

  /// True when both are the same array/object instance; for scalars, equal
  /// kind and value.
  bool same_instance(const Value& other) const;

  /// Structural equality (deep, case-sensitive) — for tests and journals,
  /// not GitHub's loose `==`.
  bool operator==(const Value& other) const;

  /// "null", "boolean", "number", "string", "array", "object".
  static const char* kind_name(Kind k);

 private:
  using ArrayPtr = std::shared_ptr<const Array>;
  using ObjectPtr = std::shared_ptr<const Object>;
  std::variant<std::monostate, bool, double, std::string, ArrayPtr, ObjectPtr> v_;
};

}  // namespace wf::core
