#pragma once
// gh-dispatch's parameters, read from `with:` and the step's environment,
// the waits that are not parameters, and the checks `wf validate` runs.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runner/core/expected.h"
#include "runner/core/value.h"

namespace wf::steps::gh {

using Millis = std::chrono::milliseconds;

/// The step's waits. request_timeout and find_window come from the
/// parameters `request-timeout` and `find-run-timeout`; the others are
/// GitHub's rules or wf's own. Tests run them on a core::ManualClock, or set
/// the two parameters to short real durations.
struct Timing {
  Millis request_timeout{30000};       // one HTTP exchange
  Millis find_window{90000};           // how long after a dispatch its run may take to be listed
  Millis find_interval{2000};          // between listings while looking for it
  Millis secondary_limit_wait{60000};  // a secondary rate limit without Retry-After (GitHub: at least a minute)
  Millis max_poll_backoff{60000};      // the longest pause after failed polls
  Millis cancel_timeout{5000};         // the cancel request sent when wf stops (inside a host's stop grace)
};

struct DispatchParams {
  std::string api_url;  // no trailing slash
  std::string owner;    // repo = owner/name
  std::string name;
  std::string workflow;                                     // file name (deploy.yaml) or numeric id
  std::string ref;                                          // as given
  std::string branch;                                       // ref without refs/heads/ or refs/tags/
  std::vector<std::pair<std::string, std::string>> inputs;  // in file order, values as strings
  std::string token;                                        // a secret: never printed
  bool wait = true;
  Millis poll_interval{5000};
  std::optional<Millis> timeout;  // for the remote run
  bool cancel_on_abort = true;
  Timing timing;

  std::string repo() const { return owner + "/" + name; }
  /// What is dispatched, as a stable hash (api-url, repo, workflow, ref,
  /// inputs; not the token): a record of an earlier attempt is only
  /// reconciled with a dispatch of the same fingerprint.
  std::string fingerprint() const;
  /// The inputs as one-line JSON: {"cluster":"a","smoke":"true"}.
  std::string inputs_json() const;
};

constexpr size_t kMaxInputs = 25;

/// Reads `with:` (defaults already applied) and `env`. The token comes from
/// `with.token`, else GITHUB_TOKEN, else GH_TOKEN in `env`; it is required
/// only when `need_token`. api-url defaults to GITHUB_API_URL, else
/// https://api.github.com. The error names the parameter and the problem.
core::Expected<DispatchParams, std::string> parse_params(const core::Value& with,
                                                         const std::map<std::string, std::string>& env,
                                                         bool need_token);

/// The checks of single values, shared by parse_params and `wf validate`.
/// Each returns the problem (without the parameter's name) or "".
std::string check_repo(const std::string& repo);          // OWNER/NAME
std::string check_workflow(const std::string& workflow);  // deploy.yaml, .github/workflows/deploy.yaml or 42
std::string check_api_url(const std::string& url);        // http(s)://...
std::string check_inputs(const core::Value& inputs);      // a map of at most kMaxInputs scalars
/// A positive duration ("20ms", "5m"; a number is seconds): its length, or
/// the problem.
core::Expected<Millis, std::string> positive_duration(const core::Value& v);

/// Percent-encodes everything but RFC 3986's unreserved characters.
std::string url_encode(std::string_view s);

}  // namespace wf::steps::gh
