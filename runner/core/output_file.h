#pragma once
// The output file a `run` step writes (`$WF_OUTPUT`), in exactly the syntax of
// GitHub's `$GITHUB_OUTPUT`, so scripts move between the two unchanged.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/core/expected.h"

namespace wf::core {

/// Output names and values in the order each name was first defined.
using OutputEntries = std::vector<std::pair<std::string, std::string>>;

/// Parses an output file. Each non-blank line is either
/// - `name=value` (split at the first '='; the value may hold '=' and '<<'), or
/// - `name<<DELIMITER`, a heredoc: the value is the following lines up to the
///   first line equal to DELIMITER, joined with '\n' (no trailing newline);
///   whichever of '=' and '<<' comes first decides the form.
/// Blank (empty or whitespace-only) lines between entries are ignored; a '\r'
/// at the end of any line is dropped (CRLF files). A name defined again
/// takes the later value but keeps its first position.
/// Fails with a message naming the 1-based line, e.g.
/// `line 3: missing '=' or '<<' in "foo"`, `line 2: empty output name`,
/// `line 5: heredoc 'EOF' for 'body' is never closed`,
/// `line 4: empty heredoc delimiter for 'body'`.
Expected<OutputEntries, std::string> parse_output_file(std::string_view content);

/// One entry in the syntax above, ending with '\n', for appending to an
/// output file (wf's workflow outputs to `$GITHUB_OUTPUT`). A value without
/// '\n' or '\r' is written as `name=value`; any other as a heredoc whose
/// delimiter is `ghadelimiter_` plus 32 random hex digits and occurs nowhere
/// in the value, so the value cannot end the heredoc or inject entries.
/// `name` must pass writable_output_name() (asserted).
/// A '\r' at the end of a value line survives GitHub's parser (Linux) but
/// not parse_output_file, which drops it.
/// Thread-safety: safe to call concurrently.
std::string format_output(std::string_view name, std::string_view value);

/// Whether format_output() can write `name` so that it reads back: non-empty,
/// no '=', "<<", '\r' or '\n', and not ending with '<' (`a<` + `<<EOF`
/// would read as the name `a` with the delimiter `<EOF`, here and in
/// GitHub's runner, which then fails the job: found by fuzz_output_file).
bool writable_output_name(std::string_view name);

}  // namespace wf::core
