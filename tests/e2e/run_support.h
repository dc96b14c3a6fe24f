#pragma once
// Shared by the run_*_test.cc files: one `wf run` and what it left in .wf/.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/command.h"

namespace wf::test {

using json = nlohmann::json;

/// One `wf run` and what it left in dir/.wf.
struct WfRun {
  CommandResult r;
  double seconds = 0;
  std::string run_dir;        // the newest run
  json report;                // its report.json (discarded if absent or unparsable)
  std::vector<json> journal;  // its events, one per line
  std::string all() const { return r.out + r.err; }
};

inline json parse_or_discarded(const std::string& text) { return json::parse(text, nullptr, false); }

/// Runs wf in `cwd` (default: `dir`, where the workflow is) and reads the
/// newest run under dir/.wf.
inline WfRun wf_run(const TempDir& dir, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {}, const std::string& cwd = "") {
  WfRun w;
  auto start = std::chrono::steady_clock::now();
  w.r = run_wf_local(args, cwd.empty() ? dir.path() : cwd, env, 60);
  w.seconds = seconds_since(start);
  auto runs = run_dirs(dir.path() + "/.wf");
  if (runs.empty()) return w;
  w.run_dir = runs.back();
  w.report = parse_or_discarded(read_file(w.run_dir + "/report.json"));
  for (const auto& line : split_lines(read_file(w.run_dir + "/journal.jsonl")))
    w.journal.push_back(parse_or_discarded(line));
  return w;
}

/// Standard base64 with padding: a secret's encoding the masker must hide.
inline std::string base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += {k[n >> 18 & 63], k[n >> 12 & 63], k[n >> 6 & 63], k[n & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned n = (unsigned char)in[i] << 16;
    out += {k[n >> 18 & 63], k[n >> 12 & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += {k[n >> 18 & 63], k[n >> 12 & 63], k[n >> 6 & 63], '='};
  }
  return out;
}

/// The report's entry for step `id` (null if there is none).
inline json step_of(const json& report, const std::string& id) {
  if (report.is_object() && report.contains("steps"))
    for (const auto& s : report["steps"])
      if (s.value("id", "") == id) return s;
  return nullptr;
}

}  // namespace wf::test
