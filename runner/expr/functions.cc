#include "runner/expr/functions.h"

#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "runner/core/json.h"
#include "runner/core/strings.h"
#include "runner/expr/coerce.h"
#include "runner/expr/expr.h"

namespace wf::expr {

namespace {

constexpr size_t kUnbounded = static_cast<size_t>(-1);

constexpr FunctionInfo kFunctions[] = {
    {"contains", Function::kContains, 2, 2},
    {"startsWith", Function::kStartsWith, 2, 2},
    {"endsWith", Function::kEndsWith, 2, 2},
    {"format", Function::kFormat, 1, 255},
    {"join", Function::kJoin, 1, 2},
    {"toJSON", Function::kToJson, 1, 1},
    {"fromJSON", Function::kFromJson, 1, 1},
    {"hashFiles", Function::kHashFiles, 1, 255},
    {"case", Function::kCase, 3, kUnbounded},
    {"success", Function::kSuccess, 0, 0},
    {"failure", Function::kFailure, 0, 0},
    {"always", Function::kAlways, 0, 0},
    {"cancelled", Function::kCancelled, 0, 0},
};

// Appends to a string while charging GitHub's memory cost per segment.
class StringBuilder {
 public:
  explicit StringBuilder(size_t max_memory) : max_(max_memory) {}
  void append(std::string_view s) {
    if (s.empty()) return;
    used_ += string_cost(s.size());
    if (max_ != 0 && used_ > max_) throw EvalFailure(kMemoryExceeded);
    out_ += s;
  }
  std::string take() { return std::move(out_); }

 private:
  size_t max_;
  size_t used_ = 0;
  std::string out_;
};

// `{N}` at `lbrace`: N's value and the position of the closing brace, or
// false when the placeholder is malformed.
bool read_placeholder(const std::string& fs, size_t lbrace, size_t& index, size_t& rbrace) {
  size_t p = lbrace + 1;
  index = 0;
  while (p < fs.size() && fs[p] >= '0' && fs[p] <= '9') {
    if (index > 100000) return false;  // far beyond the 255 arguments a call can have
    index = index * 10 + static_cast<size_t>(fs[p] - '0');
    ++p;
  }
  if (p == lbrace + 1 || p >= fs.size() || fs[p] != '}') return false;
  rbrace = p;
  return true;
}

void write_json_string(std::string_view s, std::string& out) {
  out += '"';
  out += core::json_escape(s);
  out += '"';
}

void write_json(const Value& v, size_t depth, std::string& out) {
  auto newline = [&](size_t d) {
    out += '\n';
    out.append(2 * d, ' ');
  };
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kNumber:
      out += std::isfinite(v.as_number()) ? js_number_text(v.as_number()) : "null";
      return;
    case Value::Kind::kString: write_json_string(v.as_string(), out); return;
    case Value::Kind::kArray: {
      const auto& a = v.as_array();
      if (a.empty()) return void(out += "[]");
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        newline(depth + 1);
        write_json(a[i], depth + 1, out);
        if (i + 1 < a.size()) out += ',';
      }
      newline(depth);
      out += ']';
      return;
    }
    case Value::Kind::kObject: {
      const auto& o = v.as_object();
      if (o.empty()) return void(out += "{}");
      out += '{';
      for (size_t i = 0; i < o.size(); ++i) {
        newline(depth + 1);
        write_json_string(o[i].first, out);
        out += ": ";
        write_json(o[i].second, depth + 1, out);
        if (i + 1 < o.size()) out += ',';
      }
      newline(depth);
      out += '}';
      return;
    }
  }
}

// GitHub's objects hold a key once, case-insensitively; the first spelling wins.
Value dedupe_keys(const Value& v) {
  if (v.is_array()) {
    Value::Array a;
    a.reserve(v.as_array().size());
    for (const auto& e : v.as_array()) a.push_back(dedupe_keys(e));
    return Value(std::move(a));
  }
  if (!v.is_object()) return v;
  Value::Object o;
  o.reserve(v.as_object().size());
  std::unordered_set<std::string> seen;
  for (const auto& [k, e] : v.as_object())
    if (seen.insert(core::to_lower(k)).second) o.emplace_back(k, dedupe_keys(e));
  return Value(std::move(o));
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (core::iequals(f.name, name)) return &f;
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> out;
  for (const auto& f : kFunctions) out.emplace_back(f.name);
  return out;
}

bool is_status_function(Function f) {
  return f == Function::kSuccess || f == Function::kFailure || f == Function::kAlways || f == Function::kCancelled;
}

Value fn_contains(const Value& search, const Value& item) {
  if (search.is_array()) {
    for (const auto& e : search.as_array())
      if (loose_equals(item, e)) return Value(true);
    return Value(false);
  }
  if (!is_primitive(search) || !is_primitive(item)) return Value(false);
  return Value(fold_case(to_string(search)).find(fold_case(to_string(item))) != std::string::npos);
}

Value fn_starts_with(const Value& text, const Value& prefix) {
  if (!is_primitive(text) || !is_primitive(prefix)) return Value(false);
  return Value(fold_case(to_string(text)).starts_with(fold_case(to_string(prefix))));
}

Value fn_ends_with(const Value& text, const Value& suffix) {
  if (!is_primitive(text) || !is_primitive(suffix)) return Value(false);
  return Value(fold_case(to_string(text)).ends_with(fold_case(to_string(suffix))));
}

// `{N}` is argument N+1, `{{` and `}}` are literal braces, any other brace
// is an error (actions/runner Format.cs).
Value fn_format(const std::vector<Value>& args, size_t max_memory) {
  const std::string fs = to_string(args[0]);
  auto invalid = [&] { return EvalFailure("The following format string is invalid: " + fs); };
  StringBuilder out(max_memory);
  size_t index = 0;
  while (index < fs.size()) {
    size_t lbrace = fs.find('{', index);
    size_t rbrace = fs.find('}', index);
    if (lbrace != std::string::npos && (rbrace == std::string::npos || rbrace > lbrace)) {
      if (lbrace + 1 < fs.size() && fs[lbrace + 1] == '{') {
        out.append(std::string_view(fs).substr(index, lbrace - index + 1));
        index = lbrace + 2;
        continue;
      }
      size_t arg = 0;
      if (!read_placeholder(fs, lbrace, arg, rbrace)) throw invalid();
      if (arg + 1 >= args.size())
        throw EvalFailure("The following format string references more arguments than were supplied: " + fs);
      out.append(std::string_view(fs).substr(index, lbrace - index));
      out.append(to_string(args[arg + 1]));
      index = rbrace + 1;
    } else if (rbrace != std::string::npos) {
      if (rbrace + 1 >= fs.size() || fs[rbrace + 1] != '}') throw invalid();
      out.append(std::string_view(fs).substr(index, rbrace - index + 1));
      index = rbrace + 2;
    } else {
      out.append(std::string_view(fs).substr(index));
      break;
    }
  }
  return Value(out.take());
}

// A primitive is returned as a string; an array's items are cast to strings
// and joined (separator ',' unless a primitive one is given); anything else
// gives ''.
Value fn_join(const std::vector<Value>& args, size_t max_memory) {
  const Value& v = args[0];
  if (is_primitive(v)) return Value(to_string(v));
  if (!v.is_array()) return Value("");
  std::string separator = ",";
  if (args.size() > 1 && is_primitive(args[1])) separator = to_string(args[1]);
  StringBuilder out(max_memory);
  const auto& items = v.as_array();
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(separator);
    out.append(to_string(items[i]));
  }
  return Value(out.take());
}

std::string pretty_json(const Value& v) {
  std::string out;
  write_json(v, 0, out);
  return out;
}

Value fn_to_json(const Value& v) { return Value(pretty_json(v)); }

Value fn_from_json(const Value& v) {
  std::string text = to_string(v);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw EvalFailure("Error parsing JSON when evaluating fromJson: empty input");
  auto parsed = core::parse_json(text);
  if (!parsed) throw EvalFailure("Error parsing JSON when evaluating fromJson: " + parsed.error());
  return dedupe_keys(*parsed);
}

}  // namespace wf::expr
