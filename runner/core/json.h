#pragma once
// Conversions between core::Value and JSON text (nlohmann-json stays in json.cc).

#include <string>
#include <string_view>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::core {

/// Parses JSON text. The error is nlohmann's message.
Expected<Value, std::string> parse_json(std::string_view text);

/// JSON text; indent < 0 gives one line, otherwise pretty with that indent.
/// Integral numbers print without a fraction ("3", not "3.0"); NaN and
/// infinities print as null (JSON cannot hold them).
std::string to_json(const Value& v, int indent = -1);

}  // namespace wf::core
