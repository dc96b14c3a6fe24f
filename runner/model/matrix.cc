#include "runner/model/matrix.h"

#include <algorithm>
#include <unordered_map>

#include "runner/core/json.h"
#include "runner/expr/expr.h"

namespace wf::model {

namespace {

using core::Value;
using Combination = Value::Object;

// "a string", "an object", "null".
std::string a_kind(const Value& v) {
  std::string k = Value::kind_name(v.kind());
  if (v.is_null()) return k;
  bool vowel = k.find_first_of("aeiou") == 0;
  return (vowel ? "an " : "a ") + k;
}

const Value* lookup(const Combination& c, const std::string& key) {
  for (const auto& [k, v] : c)
    if (k == key) return &v;
  return nullptr;
}

void set(Combination& c, const std::string& key, const Value& v) {
  for (auto& [k, old] : c)
    if (k == key) {
      old = v;
      return;
    }
  c.emplace_back(key, v);
}

// A combination's identity, whatever the order of its keys.
std::string canonical(const Combination& c) {
  std::vector<const std::pair<std::string, Value>*> sorted;
  sorted.reserve(c.size());
  for (const auto& kv : c) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  for (const auto* kv : sorted) {
    out += core::to_json(Value(kv->first));
    out += ':';
    core::append_json(out, kv->second, -1, 0);
    out += ',';
  }
  return out;
}

// `include:`/`exclude:` must be a list of objects.
core::Expected<std::vector<const Value::Object*>, MatrixError> objects_of(const Value& v, const std::string& key) {
  std::vector<const Value::Object*> out;
  if (!v.is_array()) return core::unexpected(MatrixError{"'" + key + "' must be a list of objects, got " + a_kind(v), {key}});
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    const Value& item = v.as_array()[i];
    if (!item.is_object() || item.as_object().empty())
      return core::unexpected(MatrixError{"each item of '" + key + "' must be a non-empty object, got " + a_kind(item),
                                          {key, std::to_string(i)}});
    out.push_back(&item.as_object());
  }
  return out;
}

// The cross product of the lists, first key slowest.
std::vector<Combination> cross(const std::vector<std::pair<std::string, const Value::Array*>>& lists) {
  std::vector<Combination> out;
  if (lists.empty()) return out;
  out.emplace_back();
  for (const auto& [key, values] : lists) {
    std::vector<Combination> next;
    next.reserve(out.size() * values->size());
    for (const auto& c : out)
      for (const auto& v : *values) {
        Combination n = c;
        n.emplace_back(key, v);
        next.push_back(std::move(n));
      }
    out = std::move(next);
  }
  return out;
}

bool matches(const Combination& c, const Value::Object& pattern) {
  for (const auto& [k, v] : pattern) {
    const Value* have = lookup(c, k);
    if (!have || !(*have == v)) return false;
  }
  return true;
}

// GitHub's include: merged into each original combination whose original
// keys it does not contradict, else a combination of its own.
void include_one(std::vector<Combination>& combos, size_t originals, const std::vector<std::string>& keys,
                 const Value::Object& inc) {
  bool merged = false;
  for (size_t i = 0; i < originals; ++i) {
    bool fits = true;
    for (const auto& [k, v] : inc)
      if (std::find(keys.begin(), keys.end(), k) != keys.end() && !(*lookup(combos[i], k) == v)) fits = false;
    if (!fits) continue;
    for (const auto& [k, v] : inc) set(combos[i], k, v);
    merged = true;
  }
  if (!merged) combos.push_back(inc);
}

}  // namespace

core::Expected<std::vector<Value>, MatrixError> expand_matrix(const Value& map) {
  if (!map.is_object()) return core::unexpected(MatrixError{"a matrix must be a mapping of lists, got " + a_kind(map), {}});
  std::vector<std::pair<std::string, const Value::Array*>> lists;
  std::vector<std::string> keys;
  std::vector<const Value::Object*> include, exclude;
  double product = 1;
  for (const auto& [k, v] : map.as_object()) {
    if (k == "include" || k == "exclude") {
      auto items = objects_of(v, k);
      if (!items) return core::unexpected(items.error());
      (k == "include" ? include : exclude) = std::move(*items);
      continue;
    }
    if (!v.is_array() || v.as_array().empty())
      return core::unexpected(MatrixError{"matrix key '" + k + "' must be a non-empty list, got " +
                                              (v.is_array() ? std::string("an empty list") : a_kind(v)),
                                          {k}});
    lists.emplace_back(k, &v.as_array());
    keys.push_back(k);
    product *= static_cast<double>(v.as_array().size());
  }
  if (product + static_cast<double>(include.size()) > static_cast<double>(kMaxMatrixInstances))
    return core::unexpected(MatrixError{"the matrix has more than " + std::to_string(kMaxMatrixInstances) +
                                            " combinations",
                                        {}});
  for (size_t i = 0; i < exclude.size(); ++i)
    for (const auto& [k, v] : *exclude[i])
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        return core::unexpected(MatrixError{"'exclude' names key '" + k + "', which the matrix does not have",
                                            {"exclude", std::to_string(i)}});
  std::vector<Combination> combos = lists.empty() ? std::vector<Combination>() : cross(lists);
  for (const auto* e : exclude)
    std::erase_if(combos, [&](const Combination& c) { return matches(c, *e); });
  const size_t originals = combos.size();
  std::vector<size_t> from_include;  // for each appended combination: its include item
  for (size_t i = 0; i < include.size(); ++i) {
    size_t before = combos.size();
    include_one(combos, originals, keys, *include[i]);
    if (combos.size() > before) from_include.push_back(i);
  }
  if (combos.empty())
    return core::unexpected(MatrixError{
        lists.empty() ? "the matrix is empty" : "the matrix has no combinations: 'exclude' removes every one", {}});
  std::unordered_map<std::string, size_t> seen;
  seen.reserve(combos.size());
  for (size_t i = 0; i < combos.size(); ++i) {
    auto [it, fresh] = seen.emplace(canonical(combos[i]), i);
    if (fresh) continue;
    std::string what = instance_name("", Value(combos[i]));
    if (i >= originals)
      return core::unexpected(MatrixError{"this 'include' item makes the combination" + what + " a second time",
                                          {"include", std::to_string(from_include[i - originals])}});
    return core::unexpected(MatrixError{"the matrix has the combination" + what + " twice", {}});
  }
  std::vector<Value> out;
  out.reserve(combos.size());
  for (auto& c : combos) out.emplace_back(std::move(c));
  return out;
}

core::Expected<std::vector<Value>, std::string> matrix_from_list(const Value& list) {
  if (!list.is_array()) return core::unexpected("the matrix is " + a_kind(list) + ", not a list of objects");
  const auto& items = list.as_array();
  if (items.empty()) return core::unexpected(std::string("the matrix is an empty list"));
  if (items.size() > kMaxMatrixInstances)
    return core::unexpected("the matrix has " + std::to_string(items.size()) + " items; at most " +
                            std::to_string(kMaxMatrixInstances));
  std::unordered_map<std::string, size_t> seen;
  seen.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object() || items[i].as_object().empty())
      return core::unexpected("item " + std::to_string(i) + " of the matrix is " +
                              (items[i].is_object() ? std::string("an empty object") : a_kind(items[i])) +
                              ", not an object");
    if (!seen.emplace(canonical(items[i].as_object()), i).second)
      return core::unexpected("item " + std::to_string(i) + " of the matrix repeats item " +
                              std::to_string(seen[canonical(items[i].as_object())]));
  }
  return std::vector<Value>(items.begin(), items.end());
}

core::Expected<std::vector<Value>, std::string> matrix_instances(const Value& value) {
  if (value.is_array()) return matrix_from_list(value);
  auto r = expand_matrix(value);
  if (!r) {
    std::string where;
    for (const auto& p : r.error().path) where += (where.empty() ? "" : ".") + p;
    return core::unexpected(where.empty() ? r.error().message : where + ": " + r.error().message);
  }
  return std::move(*r);
}

std::string instance_name(const std::string& step_id, const Value& combination) {
  std::string out = step_id + " (";
  bool first = true;
  if (combination.is_object())
    for (const auto& [k, v] : combination.as_object()) {
      if (!first) out += ", ";
      first = false;
      if (v.is_string() || v.is_number() || v.is_bool() || v.is_null())
        out += expr::to_string(v);
      else
        out += core::to_json(v);
    }
  return out + ")";
}

core::Expected<std::vector<std::string>, std::string> instance_names(const std::string& id,
                                                                     const std::vector<Value>& instances) {
  std::vector<std::string> names;
  names.reserve(instances.size());
  std::unordered_map<std::string, size_t> seen;
  seen.reserve(instances.size());
  for (const auto& inst : instances) {
    names.push_back(instance_name(id, inst));
    if (!seen.emplace(names.back(), names.size()).second)
      return core::unexpected("two instances of the matrix are both named '" + names.back() + "'");
  }
  return names;
}

}  // namespace wf::model
