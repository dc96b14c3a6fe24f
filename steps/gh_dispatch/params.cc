#include "steps/gh_dispatch/params.h"

#include "runner/core/hash.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "runner/core/duration.h"
#include "runner/core/json.h"

namespace wf::steps::gh {

using core::Value;

namespace {

Millis scaled(Millis d, double scale) {
  auto ms = static_cast<long long>(static_cast<double>(d.count()) * scale);
  return Millis(ms < 1 ? 1 : ms);
}

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

std::optional<Millis> duration_param(const Value& with, const char* name) {
  const Value* v = with.find(name);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_number()) return Millis(static_cast<long long>(v->as_number() * 1000));
  if (v->is_string()) return core::parse_duration(v->as_string());
  return std::nullopt;
}

bool bool_param(const Value& with, const char* name, bool fallback) {
  const Value* v = with.find(name);
  if (!v) return fallback;
  if (v->is_bool()) return v->as_bool();
  if (v->is_string()) return v->as_string() == "true";
  return fallback;
}

}  // namespace

Timing Timing::from_env(const std::map<std::string, std::string>& env) {
  Timing t;
  std::string raw = env_or(env, "WF_TEST_TIME_SCALE");
  if (raw.empty()) return t;
  char* end = nullptr;
  double s = std::strtod(raw.c_str(), &end);
  if (end == raw.c_str() || *end != '\0' || !(s > 0) || s > 1) return t;
  t.scale = s;
  t.request_timeout = scaled(t.request_timeout, s);
  t.find_window = scaled(t.find_window, s);
  t.find_interval = scaled(t.find_interval, s);
  t.secondary_limit_wait = scaled(t.secondary_limit_wait, s);
  t.max_poll_backoff = scaled(t.max_poll_backoff, s);
  t.cancel_timeout = scaled(t.cancel_timeout, s);
  return t;
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
  DispatchParams p;
  std::string repo = str("repo");
  size_t slash = repo.find('/');
  if (slash == std::string::npos || !valid_repo_part(repo.substr(0, slash)) || !valid_repo_part(repo.substr(slash + 1)))
    return core::unexpected("with.repo: '" + repo + "' is not OWNER/NAME");
  p.owner = repo.substr(0, slash);
  p.name = repo.substr(slash + 1);

  p.workflow = str("workflow");
  if (p.workflow.rfind(".github/workflows/", 0) == 0) p.workflow = p.workflow.substr(18);
  if (!all_digits(p.workflow) && !((ends_with(p.workflow, ".yaml") || ends_with(p.workflow, ".yml")) &&
                                   p.workflow.find('/') == std::string::npos && p.workflow.size() > 4))
    return core::unexpected("with.workflow: '" + p.workflow +
                            "' is neither a workflow file name (deploy.yaml) nor a numeric workflow id");

  p.ref = str("ref");
  if (p.ref.empty()) return core::unexpected("with.ref: a branch or tag is required");
  p.branch = p.ref;
  for (std::string_view prefix : {"refs/heads/", "refs/tags/"})
    if (p.branch.rfind(prefix, 0) == 0) p.branch = p.branch.substr(prefix.size());

  if (const Value* in = with.find("inputs"); in && in->is_object()) {
    for (const auto& [k, v] : in->as_object()) p.inputs.emplace_back(k, text_of(v));
    if (p.inputs.size() > kMaxInputs)
      return core::unexpected("with.inputs: " + std::to_string(p.inputs.size()) + " inputs; GitHub accepts at most " +
                              std::to_string(kMaxInputs));
  }

  p.token = str("token");
  if (p.token.empty()) p.token = env_or(env, "GITHUB_TOKEN");
  if (p.token.empty()) p.token = env_or(env, "GH_TOKEN");
  if (need_token && p.token.empty())
    return core::unexpected("with.token: no token (set token:, or GITHUB_TOKEN or GH_TOKEN in the step's env)");

  p.api_url = str("api-url");
  if (p.api_url.empty()) p.api_url = env_or(env, "GITHUB_API_URL");
  if (p.api_url.empty()) p.api_url = "https://api.github.com";
  while (!p.api_url.empty() && p.api_url.back() == '/') p.api_url.pop_back();
  if (p.api_url.rfind("https://", 0) != 0 && p.api_url.rfind("http://", 0) != 0)
    return core::unexpected("with.api-url: '" + p.api_url + "' is not an http(s) URL");

  p.wait = bool_param(with, "wait", true);
  p.cancel_on_abort = bool_param(with, "cancel-on-abort", true);
  if (const Value* v = with.find("poll-interval"); v && !v->is_null()) {
    auto d = duration_param(with, "poll-interval");
    if (!d || d->count() <= 0) return core::unexpected("with.poll-interval: expected a positive duration");
    p.poll_interval = *d;
  }
  if (const Value* v = with.find("timeout"); v && !v->is_null()) {
    auto d = duration_param(with, "timeout");
    if (!d || d->count() <= 0) return core::unexpected("with.timeout: expected a positive duration");
    p.timeout = d;
  }
  return p;
}

}  // namespace wf::steps::gh
