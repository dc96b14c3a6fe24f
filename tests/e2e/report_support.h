#pragma once
// Shared by the report.html tests: a workflow with a secret, a retried step,
// a failure under continue-on-error and a skipped step, and the forms of the
// secret that must never reach the page.

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/run_support.h"

namespace wf::test::report {

// Holds '/', '+', '=' and a space, so its base64 and URL-encoded forms differ
// from it; no '<', '>' or '&', which the page escapes anyway.
inline const std::string kSecret = "Rep0rt S3cr3t/v+al=4711";

inline const char* kWorkflow = R"yaml(name: report-demo
description: every kind of step end, for report.html
secrets:
  tok: { env: REPORT_TOK }
inputs:
  target: { default: staging }
steps:
  prepare:
    run: |
      echo "token is ${{ secrets.tok }}"
      printf '%s' "$REPORT_TOK" | base64
      python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$REPORT_TOK"
      echo "leak=$REPORT_TOK" >> "$WF_OUTPUT"
      echo "html=</script><img src=x onerror=alert(1)>" >> "$WF_OUTPUT"
      echo "target=${{ inputs.target }}" >> "$WF_OUTPUT"
  flaky:
    needs: [prepare]
    retry: { limit: 2, when: [failure], backoff: { delay: 300ms, factor: 1 } }
    run: |
      if [ "$WF_ATTEMPT" -lt 2 ]; then echo "attempt $WF_ATTEMPT fails with $REPORT_TOK" >&2; exit 1; fi
      echo "attempt $WF_ATTEMPT works"
  broken:
    needs: [prepare]
    continue-on-error: true
    run: |
      echo "broken with $REPORT_TOK" >&2
      exit 3
  after:
    needs: [flaky, broken]
    run: sleep 0.2; echo done
  never:
    needs: [broken]
    if: ${{ false }}
    run: echo never
)yaml";

/// Each step of kWorkflow and its outcome.
inline const std::vector<std::pair<std::string, std::string>> kOutcomes = {
    {"prepare", "success"}, {"flaky", "success"}, {"broken", "failure"}, {"after", "success"}, {"never", "skipped"}};


inline std::string url_encode(const std::string& in, bool plus_for_space = false) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else if (c == ' ' && plus_for_space) out += '+';
    else {
      static const char* hex = "0123456789ABCDEF";
      out += {'%', hex[c >> 4], hex[c & 15]};
    }
  }
  return out;
}

/// The forms of kSecret the masker knows and the page must not hold.
inline std::vector<std::string> secret_forms() {
  return {kSecret, base64(kSecret), url_encode(kSecret), url_encode(kSecret, true), "Rep0rt S3cr3t"};
}

/// Runs kWorkflow in `dir` (written there) and returns the run.
inline WfRun run_demo(const TempDir& dir, const std::vector<std::string>& extra_args = {}) {
  dir.write("wf.yaml", kWorkflow);
  std::vector<std::string> args{"run", "wf.yaml", "-j", "2"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return wf_run(dir, args, {{"REPORT_TOK", kSecret}});
}

/// The JSON in the page's <script type="application/json" id="wf-data">
/// (discarded if absent or unparsable).
inline nlohmann::json page_data(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"wf-data\">";
  size_t from = page.find(open);
  if (from == std::string::npos) return nlohmann::json::value_t::discarded;
  from += open.size();
  size_t to = page.find("</script>", from);
  if (to == std::string::npos) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(page.substr(from, to - from), nullptr, false);
}

}  // namespace wf::test::report
