#pragma once
// A hash that is the same across runs, builds and machines.

#include <string>
#include <string_view>

namespace wf::core {

/// FNV-1a (64 bits) of `text` as 16 hex digits: stable, cheap, enough to
/// notice that a definition changed. Not for security.
std::string stable_hash(std::string_view text);

}  // namespace wf::core
