#pragma once
// The time formats of GitHub's REST API: ISO 8601 (`created_at`, the
// `created` filter) and HTTP dates (`Date`, `Retry-After`). Pure functions.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace wf::steps::gh {

using SystemTime = std::chrono::system_clock::time_point;

/// "2026-01-31T12:34:56Z" (UTC, whole seconds).
std::string format_iso8601(SystemTime t);

/// Reads "YYYY-MM-DDTHH:MM:SSZ" and "...+HH:MM" / "...-HH:MM" offsets (a
/// fraction of a second is ignored); nullopt for anything else, and for a
/// year outside 1970..2200.
std::optional<SystemTime> parse_iso8601(std::string_view text);

/// Reads an HTTP date in IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT");
/// nullopt for anything else, and for a year outside 1970..2200.
std::optional<SystemTime> parse_http_date(std::string_view text);

}  // namespace wf::steps::gh
