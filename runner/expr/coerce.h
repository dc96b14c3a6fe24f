#pragma once
// GitHub's loose conversions and comparisons (private to runner/expr).
// They follow actions/languageservices (expressions/src/result.ts), the
// reference the xlang tests are written against. to_string() and truthy()
// are public and declared in expr.h.

#include <string>
#include <string_view>

#include "runner/core/value.h"

namespace wf::expr {

using core::Value;

/// JavaScript's Number(string): surrounding whitespace is trimmed, '' -> 0,
/// decimal with optional sign and exponent, `Infinity`, 0x/0o/0b integers
/// (unsigned), anything else NaN.
double string_to_number(std::string_view s);

/// null -> 0, booleans 1/0, strings as string_to_number(), arrays and
/// objects NaN.
double to_number(const Value& v);

/// JavaScript's Number.prototype.toString(): the shortest text that reads
/// back as the same double, exponential below 1e-6 and from 1e21.
std::string js_number_text(double d);

/// GitHub's number -> string: JavaScript's (+d.toFixed(15)).toString(), so
/// at most 15 decimals; -0 -> "0"; NaN, Infinity, -Infinity by name.
std::string number_text(double d);

/// null, boolean, number or string.
bool is_primitive(const Value& v);

/// Upper-cases for case-insensitive comparison (simple Unicode mapping, but
/// the dotless 'ı' stays as it is, as GitHub does). Invalid UTF-8 bytes are
/// kept.
std::string fold_case(std::string_view s);

/// `==`: same kinds compare by value (strings case-insensitively, NaN never
/// equal, arrays/objects by identity); otherwise null and booleans become
/// numbers, and a string compared with a number becomes a number.
bool loose_equals(const Value& a, const Value& b);
/// `<` and `>` with the same coercions; false when the kinds still differ,
/// when either side is NaN, and for arrays and objects.
bool loose_less(const Value& a, const Value& b);
bool loose_greater(const Value& a, const Value& b);

}  // namespace wf::expr
