#include "steps/kubectl_apply/waits.h"

#include <algorithm>
#include <map>

#include "runner/core/json.h"
#include "runner/core/strings.h"

namespace wf::steps::kubectl_apply {

namespace {

std::string str(const core::Value* v) { return v && v->is_string() ? v->as_string() : std::string(); }

// Polls start at once (a CRD is usually established within 100 ms of being
// created), then slow down to once a second.
constexpr Millis kFirstPoll{100};
constexpr Millis kMaxPoll{1000};
constexpr std::chrono::seconds kProgressEvery{5};

}  // namespace

std::string crd_not_ready_reason(const core::Value& crd) {
  const core::Value* status = crd.find("status");
  const core::Value* conditions = status ? status->find("conditions") : nullptr;
  std::map<std::string, const core::Value*> by_type;
  if (conditions && conditions->is_array())
    for (const auto& c : conditions->as_array()) by_type[str(c.find("type"))] = &c;
  for (const char* type : {"NamesAccepted", "Established"}) {
    auto it = by_type.find(type);
    if (it == by_type.end()) return std::string(type) + " not reported yet";
    const core::Value& c = *it->second;
    std::string s = str(c.find("status"));
    if (s == "True") continue;
    std::string why = str(c.find("reason"));
    std::string message = str(c.find("message"));
    if (!message.empty()) why += (why.empty() ? "" : ": ") + message;
    return std::string(type) + "=" + (s.empty() ? "Unknown" : s) + (why.empty() ? "" : " (" + why + ")");
  }
  return {};
}

std::map<std::string, std::string> crds_not_ready(const std::string& json, const std::vector<std::string>& names) {
  std::map<std::string, std::string> pending;
  for (const auto& n : names) pending[n] = "not found";
  auto parsed = core::parse_json(json);
  std::vector<core::Value> items;
  if (parsed && parsed->is_object()) {
    const core::Value* list = parsed->find("items");
    if (str(parsed->find("kind")) == "List" && list && list->is_array())
      items = list->as_array();
    else
      items.push_back(*parsed);
  }
  for (const auto& crd : items) {
    const core::Value* meta = crd.find("metadata");
    std::string name = str(meta ? meta->find("name") : nullptr);
    if (!pending.count(name)) continue;
    std::string reason = crd_not_ready_reason(crd);
    if (reason.empty())
      pending.erase(name);
    else
      pending[name] = reason;
  }
  return pending;
}

std::optional<Failure> wait_established(const Kubectl& kubectl, const std::vector<std::string>& names,
                                        const std::string& timeout_text) {
  if (names.empty()) return std::nullopt;
  auto& log = *kubectl.ctx().log;
  log.info("waiting for " + std::to_string(names.size()) + " CRD" + (names.size() == 1 ? "" : "s") +
           " to be established: " + core::join(names, ", "));
  auto started = kubectl.now();
  auto next_progress = started + kProgressEvery;
  std::vector<std::string> args = {"get", "customresourcedefinitions"};
  args.insert(args.end(), names.begin(), names.end());
  args.insert(args.end(), {"--ignore-not-found", "-o", "json"});
  std::map<std::string, std::string> pending;
  Millis interval = kFirstPoll;
  for (;;) {
    KubectlRun r = kubectl.run(args, false);
    if (r.cancelled()) return Failure{core::FailureClass::kCancelled, "cancelled while waiting for CRDs"};
    if (r.timed_out()) break;
    if (!r.ok()) {
      auto errors = parse_kubectl_errors(r.err, "");
      std::string message = errors.empty() ? describe_end(r.process) : kubectl_message(errors.front().text);
      if (!errors.empty() && errors.front().error_class == ErrorClass::kPermanent)
        return Failure{core::FailureClass::kPermanent, "reading the CRDs' status failed: " + message};
      for (const auto& n : names) pending[n] = "status unknown: " + message;
    } else {
      pending = crds_not_ready(r.out, names);
      if (pending.empty()) {
        auto took = std::chrono::duration_cast<Millis>(kubectl.now() - started);
        log.info("CRDs established in " + std::to_string(took.count()) + "ms");
        return std::nullopt;
      }
    }
    auto now = kubectl.now();
    if (now >= kubectl.deadline()) break;
    if (now >= next_progress) {
      std::vector<std::string> parts;
      for (const auto& [n, why] : pending) parts.push_back(n + ": " + why);
      log.info("still waiting for CRDs: " + core::join(parts, "; "));
      next_progress = now + kProgressEvery;
    }
    auto sleep = std::min<Clock::duration>(interval, kubectl.deadline() - now);
    if (!kubectl.sleep_for(sleep))
      return Failure{core::FailureClass::kCancelled, "cancelled while waiting for CRDs"};
    interval = std::min(interval * 3 / 2, kMaxPoll);
  }
  if (pending.empty())
    for (const auto& n : names) pending[n] = "status not read before the timeout";
  std::vector<std::string> parts;
  for (const auto& [n, why] : pending) parts.push_back(n + ": " + why);
  std::string what = pending.size() == 1 ? "CustomResourceDefinition " + parts.front()
                                         : std::to_string(pending.size()) + " CRDs: " + core::join(parts, "; ");
  return Failure{core::FailureClass::kTimeout, "not established after " + timeout_text + ": " + what};
}

std::optional<Failure> wait_rollouts(const Kubectl& kubectl, const std::vector<Manifest>& all,
                                     const std::vector<int>& indices, const ApplySettings& settings) {
  std::vector<int> workloads;
  for (int i : indices) {
    const Manifest& m = all[i];
    if (m.group() == "apps" && (m.kind == "Deployment" || m.kind == "StatefulSet" || m.kind == "DaemonSet"))
      workloads.push_back(i);
  }
  if (workloads.empty()) return std::nullopt;
  auto& log = *kubectl.ctx().log;
  ManifestFiles files(all, settings);
  std::vector<std::string> refs;
  for (int i : workloads) refs.push_back(object_ref(all[i], all, settings.namespace_));
  log.info("waiting for rollouts: " + core::join(refs, ", "));
  for (const auto& g : files.write(workloads, "rollout")) {
    std::vector<std::string> args = {"rollout", "status", "-f", g.dir};
    args.insert(args.end(), g.ns_args.begin(), g.ns_args.end());
    KubectlRun r = kubectl.run(args);
    if (r.cancelled()) return Failure{core::FailureClass::kCancelled, "cancelled while waiting for rollouts"};
    std::string status = last_line(r.out);
    if (r.timed_out())
      return Failure{core::FailureClass::kTimeout, "rollout not finished after " + settings.timeout_text +
                                                       (status.empty() ? "" : ": " + status)};
    if (!r.ok()) {
      auto errors = parse_kubectl_errors(r.err, g.dir);
      std::string who = !errors.empty() && errors.front().file_index >= 0 ? files.describe(errors.front().file_index)
                        : g.indices.size() == 1                           ? files.describe(g.indices.front())
                                                                           : core::join(refs, ", ");
      std::string message = errors.empty() ? describe_end(r.process) : kubectl_message(errors.front().text);
      return Failure{core::FailureClass::kPermanent, "rollout of " + who + " failed: " + message};
    }
  }
  log.info("rolled out: " + core::join(refs, ", "));
  return std::nullopt;
}

}  // namespace wf::steps::kubectl_apply
