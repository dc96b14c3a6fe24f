#include "runner/expr/coerce.h"

#include <locale.h>  // newlocale: case mapping without touching the global locale
#include <wctype.h>  // towupper_l

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "runner/expr/expr.h"
#include "runner/expr/utf8.h"

namespace wf::expr {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// JavaScript's WhiteSpace and LineTerminator code points (what Number() trims).
bool is_js_space(char32_t c) {
  switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20:
    case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F:
    case 0x205F: case 0x3000: case 0xFEFF:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

std::string_view trim_js_space(std::string_view s) {
  size_t begin = 0, end = 0, i = 0;
  bool seen = false;
  while (i < s.size()) {
    size_t start = i;
    char32_t c = decode_utf8(s, i);
    if (!is_js_space(c)) {
      if (!seen) begin = start;
      seen = true;
      end = i;
    }
  }
  return seen ? s.substr(begin, end - begin) : std::string_view();
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// 0x.., 0o.., 0b..: unsigned, at least one digit.
double parse_radix(std::string_view digits, int base) {
  if (digits.empty()) return kNaN;
  double v = 0;
  for (char c : digits) {
    int d = digit_value(c);
    if (d >= base) return kNaN;
    v = v * base + d;
  }
  return v;
}

size_t count_digits(std::string_view s, size_t pos) {
  size_t n = 0;
  while (pos + n < s.size() && std::isdigit(static_cast<unsigned char>(s[pos + n]))) ++n;
  return n;
}

// What from_chars reports as out of range: overflow gives Infinity, underflow 0.
double out_of_range_value(std::string_view mantissa, long exponent) {
  size_t point = mantissa.find('.');
  if (point == std::string_view::npos) point = mantissa.size();
  for (size_t i = 0; i < mantissa.size(); ++i) {
    if (mantissa[i] == '.' || mantissa[i] == '0') continue;
    // Decimal exponent of the leading significant digit.
    long lead = i < point ? static_cast<long>(point - i - 1) : -static_cast<long>(i - point);
    return lead + exponent >= 0 ? kInf : 0.0;
  }
  return 0.0;
}

// StrDecimalLiteral: [+-] (Infinity | digits [. digits] | . digits) [(e|E) [+-] digits]
double parse_decimal(std::string_view s) {
  bool negative = false;
  size_t pos = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) negative = s[pos++] == '-';
  std::string_view body = s.substr(pos);
  if (body == "Infinity") return negative ? -kInf : kInf;
  size_t int_digits = count_digits(s, pos);
  size_t p = pos + int_digits, frac_digits = 0;
  if (p < s.size() && s[p] == '.') {
    frac_digits = count_digits(s, p + 1);
    p += 1 + frac_digits;
  }
  if (int_digits + frac_digits == 0) return kNaN;
  size_t mantissa_end = p;
  long exponent = 0;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    size_t q = p + 1;
    if (q < s.size() && (s[q] == '+' || s[q] == '-')) ++q;
    size_t exp_digits = count_digits(s, q);
    if (exp_digits == 0) return kNaN;
    std::from_chars(s.data() + q, s.data() + q + exp_digits, exponent);
    if (s[q - 1] == '-') exponent = -exponent;
    p = q + exp_digits;
  }
  if (p != s.size()) return kNaN;
  double v = 0;
  auto r = std::from_chars(s.data() + pos, s.data() + s.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range)
    v = out_of_range_value(s.substr(pos, mantissa_end - pos), exponent);
  else if (r.ec != std::errc() || r.ptr != s.data() + s.size())
    return kNaN;
  return negative ? -v : v;
}

// Adds one unit in the last place to a non-negative decimal string ("0.129" -> "0.130").
void increment_decimal(std::string& s) {
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] == '.') continue;
    if (s[i] != '9') {
      ++s[i];
      return;
    }
    s[i] = '0';
  }
  s.insert(s.begin(), '1');
}

// JavaScript's Number.prototype.toFixed(15) for |d| < 1e21. printf rounds
// exact ties to even; JavaScript rounds them away from zero.
std::string to_fixed_15(double d) {
  char buf[64];
  double x = std::fabs(d);
  double scaled = std::ldexp(x, 16);
  if (scaled == std::floor(scaled)) {
    // At most 16 binary fraction digits: "%.16f" is exact, so a tie is visible.
    std::snprintf(buf, sizeof buf, "%.16f", x);
    std::string s = buf;
    if (s.back() == '5') {
      s.pop_back();
      increment_decimal(s);
      return d < 0 ? "-" + s : s;
    }
  }
  std::snprintf(buf, sizeof buf, "%.15f", d);
  return buf;
}

locale_t utf8_locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    if (!l) l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(nullptr));
    return l;
  }();
  return loc;
}

char32_t upper(char32_t c) {
  if (c < 0x80) return static_cast<char32_t>(std::toupper(static_cast<int>(c)));
  if (c == 0x131) return c;  // dotless i: GitHub keeps it (result.ts toUpperSpecial)
  locale_t loc = utf8_locale();
  if (!loc) return c;
  return static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), loc));
}

struct Operand {
  Value::Kind kind;
  double number;
  const Value* value;
};

Operand operand(const Value& v) { return {v.kind(), v.is_number() ? v.as_number() : 0, &v}; }

void make_number(Operand& o) {
  o.number = to_number(*o.value);
  o.kind = Value::Kind::kNumber;
}

// Like JavaScript's abstract equality, except objects are never converted.
void coerce(Operand& l, Operand& r) {
  using K = Value::Kind;
  if (l.kind == r.kind) return;
  if ((l.kind == K::kNumber && r.kind == K::kString)) return make_number(r);
  if ((l.kind == K::kString && r.kind == K::kNumber)) return make_number(l);
  if (l.kind == K::kNull || l.kind == K::kBool) {
    make_number(l);
    return coerce(l, r);
  }
  if (r.kind == K::kNull || r.kind == K::kBool) {
    make_number(r);
    return coerce(l, r);
  }
}

}  // namespace

double string_to_number(std::string_view s) {
  s = trim_js_space(s);
  if (s.empty()) return 0;
  if (s.size() > 1 && s[0] == '0') {
    switch (s[1]) {
      case 'x': case 'X': return parse_radix(s.substr(2), 16);
      case 'o': case 'O': return parse_radix(s.substr(2), 8);
      case 'b': case 'B': return parse_radix(s.substr(2), 2);
      default: break;
    }
  }
  return parse_decimal(s);
}

double to_number(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kBool: return v.as_bool() ? 1 : 0;
    case Value::Kind::kNumber: return v.as_number();
    case Value::Kind::kString: return string_to_number(v.as_string());
    default: return kNaN;
  }
}

std::string js_number_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-Infinity" : "Infinity";
  if (d == 0) return "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digits += c;
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_pos + 1);
  if (!exp_text.empty() && exp_text[0] == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // position of the decimal point
  std::string out = d < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n)) + "." + digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string number_text(double d) {
  if (std::isnan(d) || std::isinf(d) || d == 0) return js_number_text(d);
  if (std::fabs(d) >= 1e21) return js_number_text(d);
  std::string fixed = to_fixed_15(d);
  double rounded = 0;
  const char* begin = fixed.data();
  if (*begin == '-') ++begin;
  std::from_chars(begin, fixed.data() + fixed.size(), rounded);
  return js_number_text(fixed[0] == '-' ? -rounded : rounded);
}

bool is_primitive(const Value& v) { return !v.is_array() && !v.is_object(); }

std::string fold_case(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t c = decode_utf8(s, i);
    if (c == kInvalidUtf8) {
      out.append(s.substr(start, i - start));
      continue;
    }
    encode_utf8(upper(c), out);
  }
  return out;
}

bool loose_equals(const Value& a, const Value& b) {
  Operand l = operand(a), r = operand(b);
  coerce(l, r);
  if (l.kind != r.kind) return false;
  switch (l.kind) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kNumber: return l.number == r.number;  // false for NaN
    case Value::Kind::kString: return fold_case(a.as_string()) == fold_case(b.as_string());
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kArray:
    case Value::Kind::kObject: return a.same_instance(b);
  }
  return false;
}

bool loose_less(const Value& a, const Value& b) {
  Operand l = operand(a), r = operand(b);
  coerce(l, r);
  if (l.kind != r.kind) return false;
  switch (l.kind) {
    case Value::Kind::kNumber: return l.number < r.number;
    case Value::Kind::kString: return fold_case(a.as_string()) < fold_case(b.as_string());
    case Value::Kind::kBool: return !a.as_bool() && b.as_bool();
    default: return false;
  }
}

bool loose_greater(const Value& a, const Value& b) { return loose_less(b, a); }

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return false;
    case Value::Kind::kBool: return v.as_bool();
    case Value::Kind::kNumber: return !(v.as_number() == 0 || std::isnan(v.as_number()));
    case Value::Kind::kString: return !v.as_string().empty();
    default: return true;
  }
}

std::string to_string(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "";
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kNumber: return number_text(v.as_number());
    case Value::Kind::kString: return v.as_string();
    case Value::Kind::kArray: return "Array";
    case Value::Kind::kObject: return "Object";
  }
  return "";
}

}  // namespace wf::expr
