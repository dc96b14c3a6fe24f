#include "runner/core/json.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_set>

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
  // nlohmann's parser stops at a NUL byte as at the end of the text, and
  // would take "{}\0junk" for "{}". No JSON text holds a raw NUL.
  if (size_t nul = text.find('\0'); nul != std::string_view::npos)
    return unexpected("syntax error: a NUL byte at offset " + std::to_string(nul) + " (JSON text cannot hold one)");
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

namespace {

// Whether `s` is valid UTF-8 (no overlong forms, no surrogates, at most
// U+10FFFF), as nlohmann's serializer requires it to be.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > n) return false;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

void append_string(std::string& out, std::string_view s) {
  if (!valid_utf8(s)) {
    // Invalid bytes become U+FFFD exactly as nlohmann replaces them.
    out += Json(std::string(s)).dump(-1, ' ', false, Json::error_handler_t::replace);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.append(s.substr(plain, i - plain));
    plain = i + 1;
    switch (u) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0x0f]);
    }
  }
  out.append(s.substr(plain));
  out.push_back('"');
}

void append_number(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
  } else if (std::trunc(d) == d && std::fabs(d) < 9.007199254740992e15) {
    out += std::to_string(static_cast<long long>(d));
  } else {
    out += Json(d).dump();  // nlohmann's shortest round-trip form
  }
}

void append_newline(std::string& out, int indent, int depth) {
  if (indent < 0) return;
  out.push_back('\n');
  out.append(static_cast<size_t>(indent) * static_cast<size_t>(depth), ' ');
}

}  // namespace

// nlohmann's dump(indent), written directly: no DOM copy of the value.
void append_json(std::string& out, const Value& v, int indent, int depth) {
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kNumber: append_number(out, v.as_number()); return;
    case Value::Kind::kString: append_string(out, v.as_string()); return;
    case Value::Kind::kArray: {
      const auto& a = v.as_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (size_t i = 0; i < a.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_newline(out, indent, depth + 1);
        append_json(out, a[i], indent, depth + 1);
      }
      append_newline(out, indent, depth);
      out.push_back(']');
      return;
    }
    case Value::Kind::kObject: {
      const auto& o = v.as_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      // A repeated key: nlohmann's object kept the first place, the last value.
      bool repeated = false;
      if (o.size() <= 16) {
        for (size_t i = 0; i < o.size() && !repeated; ++i)
          for (size_t j = 0; j < i && !repeated; ++j) repeated = o[i].first == o[j].first;
      } else {
        std::unordered_set<std::string_view> seen;
        for (const auto& member : o)
          if (!seen.insert(member.first).second) repeated = true;
      }
      if (repeated) {
        Value::Object merged;
        for (const auto& member : o) {
          auto it = std::find_if(merged.begin(), merged.end(),
                                 [&](const auto& m) { return m.first == member.first; });
          if (it == merged.end())
            merged.push_back(member);
          else
            it->second = member.second;
        }
        out.pop_back();
        append_json(out, Value(std::move(merged)), indent, depth);
        return;
      }
      for (size_t i = 0; i < o.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_newline(out, indent, depth + 1);
        append_string(out, o[i].first);
        out += indent < 0 ? ":" : ": ";
        append_json(out, o[i].second, indent, depth + 1);
      }
      append_newline(out, indent, depth);
      out.push_back('}');
      return;
    }
  }
}

std::string to_json(const Value& v, int indent) {
  std::string out;
  append_json(out, v, indent, 0);
  return out;
}

}  // namespace wf::core
