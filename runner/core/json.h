#pragma once
// Conversions between core::Value and JSON text (nlohmann-json stays in json.cc).

#include <string>
#include <string_view>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::core {

/// The deepest nesting of arrays and objects parse_json accepts: JSON from
/// steps, files and servers is untrusted, and deeper input is an error
/// rather than a stack overflow.
inline constexpr int kMaxJsonDepth = 512;

/// Parses JSON text. The error says what is wrong and where (byte offset).
Expected<Value, std::string> parse_json(std::string_view text);

/// JSON text; indent < 0 gives one line, otherwise pretty with that indent.
/// Integral numbers print without a fraction ("3", not "3.0"); NaN and
/// infinities print as null (JSON cannot hold them).
std::string to_json(const Value& v, int indent = -1);
/// to_json() appended to `out` as if `v` sat `depth` levels deep in an
/// indented document (the indentation of its inner lines): for writing a
/// large document piece by piece without building it whole.
void append_json(std::string& out, const Value& v, int indent, int depth);

/// `s` as it appears inside a JSON string literal, without the quotes:
/// \" \\ \n \t \r \b \f, other control characters as \u00xx. With
/// `html_safe`, also < > & as \u003c \u003e \u0026, as Go's encoding/json
/// writes them (kubectl, gh and terraform output).
std::string json_escape(std::string_view s, bool html_safe = false);

}  // namespace wf::core
