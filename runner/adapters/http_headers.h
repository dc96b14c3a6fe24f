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

/// A header as wf's debug log shows it: "Name: value", the value replaced
/// by "<redacted>" when the header carries credentials (Authorization,
/// Proxy-Authorization, Cookie, Set-Cookie, or a name holding "token",
/// "secret", "key", "password" or "auth", in any case).
std::string header_for_log(std::string_view name, std::string_view value);

/// A URL as wf's debug log shows it: userinfo ("user:pass@") and the values
/// of query parameters whose names look like credentials (as for headers,
/// plus "sig", "signature", "code") replaced by "<redacted>".
std::string url_for_log(std::string_view url);

}  // namespace wf::adapters
