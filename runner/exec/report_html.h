#pragma once
// report.html: a run's timeline page, one self-contained file beside
// report.json (inline CSS and JS, no network). The page is the template
// runner/exec/report_html.html, embedded at build time, with the run's data
// as JSON in a <script type="application/json"> element that the page's
// script renders with textContent only.

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"
#include "runner/exec/observer.h"

namespace wf::exec {

namespace detail {
struct RunShared;
struct StepState;
}  // namespace detail

/// `json` made safe inside a <script> element: '<', '>', '&', U+2028 and
/// U+2029 become \uXXXX escapes. Valid only for JSON text (these characters
/// occur only inside its strings, where the escapes mean the same).
std::string escape_script_json(std::string_view json);

/// The page with `data` (the object write_report_page_data() streams) embedded.
/// Pure; every string of `data` must already be masked.
std::string render_report_html(const core::Value& data);

/// The end of a log file: at most `max_bytes`, starting at a line when cut.
struct LogTail {
  std::string text;
  bool truncated = false;  // the file holds more than `text`
};
/// Reads the tail of `path`; an unreadable file is an empty tail.
LogTail read_log_tail(const std::string& path, size_t max_bytes);

/// The critical path: the chain of needs that ended the run. Starts at the
/// step that ended last and goes back through the need that ended last,
/// until a step none of whose needs ran. `ends[i]`: when step i ended
/// (unset: it never ran); `needs[i]`: its needs' indexes. Returns the
/// chain's indexes, first step first; empty when no step ran.
std::vector<size_t> critical_path(const std::vector<std::optional<std::chrono::milliseconds>>& ends,
                                  const std::vector<std::vector<size_t>>& needs);

/// Caps on the log text a page holds.
inline constexpr size_t kLogTailBytes = 8 * 1024;            // per attempt
inline constexpr size_t kLogTailTotalBytes = 2 * 1024 * 1024;  // per page

/// The page's data for a finished run, as the JSON text the page embeds
/// (escape_script_json applied), given to `out` piece by piece (the run's
/// head, then one step at a time) so a large run's page is never held
/// whole: its summary, inputs and outputs, secrets' names, every step with
/// its needs, times, attempts (with log tails), outputs and whether it is
/// on the critical path. Every string passes through the run's
/// SecretMasker (secrets added during the run included).
void write_report_page_data(const detail::RunShared& run, const std::vector<detail::StepState>& states,
                            const RunEnd& end, const std::function<void(std::string_view)>& out);

/// Writes run_dir/report.html (atomically), streamed: the template around
/// write_report_page_data()'s pieces. Returns true or a message
/// naming the path.
core::Expected<bool, std::string> write_report_html(const detail::RunShared& run,
                                                    const std::vector<detail::StepState>& states,
                                                    const RunEnd& end);

}  // namespace wf::exec
