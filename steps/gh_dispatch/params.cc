#include "steps/gh_dispatch/params.h"

#include "runner/core/hash.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "runner/core/duration.h"
#include "runner/core/json.h"

namespace wf::steps::gh {

using core::Value;

namespace {

bool valid_repo_part(const std::string& s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string strip_workflow_dir(const std::string& w) {
  return w.rfind(".github/workflows/", 0) == 0 ? w.substr(18) : w;
}

std::string text_of(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_null()) return "";
  return core::to_json(v);
}

std::string env_or(const std::map<std::string, std::string>& env, const char* name) {
  auto it = env.find(name);
  return it == env.end() ? std::string() : it->second;
}

bool bool_param(const Value& with, const char* name, bool fallback) {
  const Value* v = with.find(name);
  if (!v) return fallback;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() == "true";
  return fallback;
}

}  // namespace

std::string check_repo(const std::string& repo) {
  size_t slash = repo.find('/');
  if (slash == std::string::npos || !valid_repo_part(repo.substr(0, slash)) || !valid_repo_part(repo.substr(slash + 1)))
    return "'" + repo + "' is not OWNER/NAME";
  return {};
}

std::string check_workflow(const std::string& given) {
  std::string w = strip_workflow_dir(given);
  if (all_digits(w)) return {};
  if ((ends_with(w, ".yaml") || ends_with(w, ".yml")) && w.find('/') == std::string::npos && w.size() > 4) return {};
  return "'" + given + "' is neither a workflow file name (deploy.yaml) nor a numeric workflow id";
}

std::string check_api_url(const std::string& url) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return "'" + url + "' is not an http(s) URL";
  return {};
}

std::string check_inputs(const Value& inputs) {
  if (inputs.is_null()) return {};
  if (!inputs.is_object()) return "expected a map of input names to values";
  for (const auto& [k, v] : inputs.as_object())
    if (!(v.is_string() || v.is_number() || v.is_bool() || v.is_null()))
      return "input '" + k + "' is a " + Value::kind_name(v.kind()) + "; workflow inputs are strings, numbers or booleans";
  if (inputs.as_object().size() > kMaxInputs)
    return std::to_string(inputs.as_object().size()) + " inputs; GitHub accepts at most " + std::to_string(kMaxInputs);
  return {};
}

core::Expected<Millis, std::string> positive_duration(const Value& v) {
  std::optional<Millis> d;
  if (v.is_number()) d = Millis(static_cast<long long>(v.as_number() * 1000));
  if (v.is_string()) d = core::parse_duration(v.as_string());
  if (!d || d->count() <= 0) return core::unexpected(std::string("expected a positive duration such as 20s or 5m"));
  return *d;
}

std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string DispatchParams::inputs_json() const {
  Value::Object o;
  for (const auto& [k, v] : inputs) o.emplace_back(k, Value(v));
  return core::to_json(Value(std::move(o)));
}

std::string DispatchParams::fingerprint() const {
  std::string text = api_url + "\n" + repo() + "\n" + workflow + "\n" + ref + "\n" + inputs_json();
  return core::stable_hash(text);
}

core::Expected<DispatchParams, std::string> parse_params(const Value& with,
                                                         const std::map<std::string, std::string>& env,
                                                         bool need_token) {
  auto str = [&](const char* name) {
    const Value* v = with.find(name);
    return v ? text_of(*v) : std::string();
  };
  auto fail = [](const char* param, const std::string& problem) {
    return core::unexpected(std::string("with.") + param + ": " + problem);
  };
  DispatchParams p;
  std::string repo = str("repo");
  if (std::string e = check_repo(repo); !e.empty()) return fail("repo", e);
  p.owner = repo.substr(0, repo.find('/'));
  p.name = repo.substr(repo.find('/') + 1);

  if (std::string e = check_workflow(str("workflow")); !e.empty()) return fail("workflow", e);
  p.workflow = strip_workflow_dir(str("workflow"));

  p.ref = str("ref");
  if (p.ref.empty()) return fail("ref", "a branch or tag is required");
  p.branch = p.ref;
  for (std::string_view prefix : {"refs/heads/", "refs/tags/"})
    if (p.branch.rfind(prefix, 0) == 0) p.branch = p.branch.substr(prefix.size());

  if (const Value* in = with.find("inputs")) {
    if (std::string e = check_inputs(*in); !e.empty()) return fail("inputs", e);
    if (in->is_object())
      for (const auto& [k, v] : in->as_object()) p.inputs.emplace_back(k, text_of(v));
  }

  p.token = str("token");
  if (p.token.empty()) p.token = env_or(env, "GITHUB_TOKEN");
  if (p.token.empty()) p.token = env_or(env, "GH_TOKEN");
  if (need_token && p.token.empty())
    return fail("token", "no token (set token:, or GITHUB_TOKEN or GH_TOKEN in the step's env)");

  p.api_url = str("api-url");
  if (p.api_url.empty()) p.api_url = env_or(env, "GITHUB_API_URL");
  if (p.api_url.empty()) p.api_url = "https://api.github.com";
  while (!p.api_url.empty() && p.api_url.back() == '/') p.api_url.pop_back();
  if (std::string e = check_api_url(p.api_url); !e.empty()) return fail("api-url", e);

  p.wait = bool_param(with, "wait", true);
  p.cancel_on_abort = bool_param(with, "cancel-on-abort", true);
  struct DurationParam {
    const char* name;
    std::function<void(Millis)> set;
  };
  for (const DurationParam& d : {DurationParam{"poll-interval", [&](Millis m) { p.poll_interval = m; }},
                                 DurationParam{"timeout", [&](Millis m) { p.timeout = m; }},
                                 DurationParam{"request-timeout", [&](Millis m) { p.timing.request_timeout = m; }},
                                 DurationParam{"find-run-timeout", [&](Millis m) { p.timing.find_window = m; }}}) {
    const Value* v = with.find(d.name);
    if (!v || v->is_null()) continue;
    auto ms = positive_duration(*v);
    if (!ms) return fail(d.name, ms.error());
    d.set(*ms);
  }
  return p;
}

}  // namespace wf::steps::gh
