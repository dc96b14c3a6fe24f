#pragma once
// Small string helpers shared by every module.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wf::core {

/// ASCII case-insensitive equality (GitHub's context and key lookups).
bool iequals(std::string_view a, std::string_view b);

/// ASCII lower-case copy.
std::string to_lower(std::string_view s);

/// Edit distance (Levenshtein with adjacent transpositions, case-insensitive).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible
/// typo (distance <= max(2, len/3)), else nullopt.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

/// `message` plus "; did you mean 'x'?" when a close candidate exists.
std::string with_suggestion(std::string message, std::string_view word,
                            const std::vector<std::string>& candidates);

/// True for shells that read "${VAR}" (sh, bash, dash, zsh, ksh, ash, or a
/// command line starting with one of them, by name or path).
bool is_posix_shell(std::string_view shell);

/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

/// Without leading and trailing spaces, tabs, CR and LF.
std::string trim(std::string_view s);

/// [A-Za-z_][A-Za-z0-9_-]*: the names of inputs, secrets, steps, outputs.
bool is_identifier(std::string_view s);

/// The path of executable `name` in `path` (a PATH value: dirs joined by
/// ':'), or "" when none. A `name` with a '/' is returned as it is when it is
/// an executable file, else "".
std::string find_on_path(std::string_view name, std::string_view path);

/// "SIGKILL (Killed)"; MT-safe, unlike strsignal().
std::string signal_description(int signal);

/// "2026-12-07T06:10:00Z" ("...00.123Z" with `millis`).
std::string utc_timestamp(std::chrono::system_clock::time_point t, bool millis = false);

}  // namespace wf::core
