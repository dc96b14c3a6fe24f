#pragma once
// Durations as written in workflow files: `90s`, `10m`, `1h30m`, `250ms`.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wf::core {

using Millis = std::chrono::milliseconds;

/// Parses a sequence of <integer><unit> groups (units h, m, s, ms), each unit
/// at most once and in decreasing order, e.g. "1h30m", "90s", "500ms". A bare
/// "0" is zero. Returns nullopt on anything else (including negative values).
std::optional<Millis> parse_duration(std::string_view text);

/// The shortest form parse_duration reads back: "1h30m", "90s" -> "1m30s", "0s".
std::string format_duration(Millis d);

}  // namespace wf::core
