#include "runner/core/json.h"

#include <algorithm>

#include <cmath>
#include <nlohmann/json.hpp>

namespace wf::core {

namespace {

using Json = nlohmann::ordered_json;

Value from_nlohmann(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return Value();
    case Json::value_t::boolean: return Value(j.get<bool>());
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return Value(j.get<double>());
    case Json::value_t::string: return Value(j.get<std::string>());
    case Json::value_t::array: {
      Value::Array a;
      a.reserve(j.size());
      for (const auto& e : j) a.push_back(from_nlohmann(e));
      return Value(std::move(a));
    }
    case Json::value_t::object: {
      Value::Object o;
      o.reserve(j.size());
      for (const auto& [k, e] : j.items()) o.emplace_back(k, from_nlohmann(e));
      return Value(std::move(o));
    }
    default: return Value();
  }
}

Json to_nlohmann(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return nullptr;
    case Value::Kind::kBool: return v.as_bool();
    case Value::Kind::kNumber: {
      double d = v.as_number();
      if (!std::isfinite(d)) return nullptr;
      if (std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) return static_cast<long long>(d);
      return d;
    }
    case Value::Kind::kString: return v.as_string();
    case Value::Kind::kArray: {
      Json a = Json::array();
      for (const auto& e : v.as_array()) a.push_back(to_nlohmann(e));
      return a;
    }
    case Value::Kind::kObject: {
      Json o = Json::object();
      for (const auto& [k, e] : v.as_object()) o[k] = to_nlohmann(e);
      return o;
    }
  }
  return nullptr;
}

}  // namespace

std::string json_escape(std::string_view s, bool html_safe) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        // Go's encoding/json (kubectl, gh, terraform) also escapes <, > and &.
        if (u < 0x20 || (html_safe && (c == '<' || c == '>' || c == '&'))) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0x0f];
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

// The deepest nesting of arrays and objects in `text`, counted outside
// strings; stops counting once past `limit`.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size() && deepest <= limit; ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Expected<Value, std::string> parse_json(std::string_view text) {
  if (nesting_depth(text, kMaxJsonDepth) > kMaxJsonDepth)
    return unexpected("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  try {
    return from_nlohmann(Json::parse(text));
  } catch (const Json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, ..." without the library's tag.
    std::string what = e.what();
    if (what.rfind("[json.exception.", 0) == 0 && what.find("] ") != std::string::npos)
      what = what.substr(what.find("] ") + 2);
    return unexpected(what);
  }
}

std::string to_json(const Value& v, int indent) {
  return to_nlohmann(v).dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace wf::core
