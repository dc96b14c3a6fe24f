#pragma once
// Reading the header lines of an HTTP answer, as libcurl hands them to the
// adapter one at a time. Pure (no curl), so it can be unit-tested and fuzzed
// (fuzz/github_response_fuzz.cc).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wf::adapters {

/// Adds one raw header line (with or without its CRLF) to `headers`:
/// - a status line ("HTTP/...") starts a new response (a redirect, a 100
///   Continue), so the headers collected so far are dropped;
/// - `Name: value` adds {name lower-cased and trimmed, value trimmed};
/// - anything else (the blank line ending the block, a line without ':')
///   is ignored.
void add_header_line(std::string_view line, std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace wf::adapters
