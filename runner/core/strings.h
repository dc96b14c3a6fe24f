#pragma once
// Small string helpers shared by every module.

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

/// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace wf::core
