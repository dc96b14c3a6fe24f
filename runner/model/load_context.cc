#include "runner/model/load_context.h"

#include "runner/core/duration.h"
#include "runner/core/strings.h"

namespace wf::model::detail {

namespace {

std::string shortened(const std::string& s) {
  constexpr size_t kMax = 40;
  std::string out = s.substr(0, s.find('\n'));
  if (out.size() > kMax) out = out.substr(0, kMax);
  if (out.size() < s.size()) out += "...";
  return out;
}

const std::vector<std::string>& when_names() {
  static const std::vector<std::string> kNames = {"permanent", "transient", "rate-limited", "lock",
                                                  "timeout",   "cancelled", "failure"};
  return kNames;
}

}  // namespace

std::string describe(const YamlNode& n) {
  switch (n.kind) {
    case YamlNode::Kind::kNull:
      return n.implicit_null ? "nothing" : "null";
    case YamlNode::Kind::kMapping:
      return "a mapping";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kScalar:
      break;
  }
  switch (n.style) {
    case YamlNode::Style::kPlain:
      return "'" + shortened(n.text) + "'";
    case YamlNode::Style::kLiteral:
    case YamlNode::Style::kFolded:
      return "a text block";
    default:
      return "the quoted string '" + shortened(n.text) + "'";
  }
}

bool has_expression(std::string_view s) { return s.find("${{") != std::string_view::npos; }

void LoadContext::type_error(const YamlNode& n, const std::string& what, const std::string& expected) {
  error(n, what + " must be " + expected + ", got " + describe(n));
}

bool LoadContext::check_mapping(const YamlNode& n, const std::string& what, const std::vector<std::string>& keys,
                                const std::string& where) {
  if (!n.is_mapping()) {
    type_error(n, what, "a mapping");
    return false;
  }
  for (const auto& [k, v] : n.members) {
    bool known = false;
    for (const auto& key : keys) known = known || key == k.text;
    if (!known) error(k, core::with_suggestion("unknown key '" + k.text + "' " + where, k.text, keys));
  }
  return true;
}

std::optional<std::string> LoadContext::string_of(const YamlNode& n, const std::string& what) {
  if (n.is_scalar()) return n.text;
  type_error(n, what, "a string");
  return std::nullopt;
}

std::optional<bool> LoadContext::bool_of(const YamlNode& n, const std::string& what) {
  if (auto b = n.as_bool()) return b;
  type_error(n, what, "a boolean (true or false)");
  return std::nullopt;
}

std::optional<Millis> LoadContext::duration_of(const YamlNode& n, const std::string& what) {
  if (!n.is_scalar()) {
    type_error(n, what, "a duration (like 90s, 10m, 1h30m)");
    return std::nullopt;
  }
  if (auto d = core::parse_duration(n.text)) return d;
  error(n, "invalid duration '" + n.text + "' (use forms like 90s, 10m, 1h30m)");
  return std::nullopt;
}

std::optional<Millis> LoadContext::limit_of(const YamlNode& n, const std::string& what) {
  auto d = duration_of(n, what);
  if (d && d->count() <= 0) {
    error(n, what + " must be more than 0 (leave it out for no limit)");
    return std::nullopt;
  }
  return d;
}

std::optional<RetryPolicy> LoadContext::retry_of(const YamlNode& n, const std::string& owner) {
  const std::string what = "'retry' of " + owner;
  RetryPolicy r;
  r.loc = loc(n);
  if (!n.is_mapping()) {
    if (auto c = n.as_count()) {
      r.limit = *c;
      return r;
    }
    type_error(n, what, "a number of retries or a mapping {limit, when, backoff}");
    return std::nullopt;
  }
  if (!check_mapping(n, what, {"limit", "when", "backoff"}, "in " + what)) return std::nullopt;
  const size_t errors_before = diags_.size();
  if (const YamlNode* limit = n.find("limit")) {
    if (auto c = limit->as_count())
      r.limit = *c;
    else
      type_error(*limit, "'limit' in " + what, "a non-negative integer");
  } else {
    error(n, what + " needs 'limit' (the number of retries)");
  }
  if (const YamlNode* when = n.find("when")) when_of(*when, what, r);
  if (const YamlNode* backoff = n.find("backoff")) backoff_of(*backoff, what, r.backoff);
  if (diags_.size() != errors_before) return std::nullopt;
  return r;
}

void LoadContext::when_of(const YamlNode& n, const std::string& owner, RetryPolicy& out) {
  const std::string what = "'when' in " + owner;
  std::vector<const YamlNode*> items;
  if (n.is_scalar())
    items.push_back(&n);
  else if (n.is_sequence())
    for (const auto& item : n.items) items.push_back(&item);
  else
    return type_error(n, what, "a list of failure classes");
  for (const YamlNode* item : items) {
    if (!item->is_scalar()) {
      type_error(*item, "each item of " + what, "a failure class");
    } else if (item->text == "failure") {
      out.when_any_failure = true;
    } else if (auto c = parse_failure_class(item->text)) {
      out.when.push_back(*c);
    } else {
      std::string message = "unknown failure class '" + item->text + "' in " + owner;
      if (core::did_you_mean(item->text, when_names()))
        message = core::with_suggestion(message, item->text, when_names());
      else
        message += " (one of: " + core::join(when_names(), ", ") + ")";
      error(*item, message);
    }
  }
}

void LoadContext::backoff_of(const YamlNode& n, const std::string& owner, Backoff& out) {
  const std::string what = "'backoff' in " + owner;
  if (!check_mapping(n, what, {"delay", "factor", "max-delay"}, "in " + what)) return;
  if (const YamlNode* delay = n.find("delay")) {
    if (auto d = duration_of(*delay, "'delay' in " + what)) out.delay = *d;
  }
  if (const YamlNode* factor = n.find("factor")) {
    auto f = factor->as_number();
    if (f && *f >= 1.0)
      out.factor = *f;
    else
      type_error(*factor, "'factor' in " + what, "a number >= 1");
  }
  if (const YamlNode* max_delay = n.find("max-delay")) {
    if (auto d = duration_of(*max_delay, "'max-delay' in " + what)) out.max_delay = *d;
  }
}

}  // namespace wf::model::detail
