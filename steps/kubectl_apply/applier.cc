#include "steps/kubectl_apply/applier.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "runner/core/duration.h"
#include "runner/core/log.h"

namespace wf::steps::kubectl_apply {

namespace fs = std::filesystem;

namespace {

std::string file_name(int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%05d.yaml", index);
  return buf;
}

// Backoff between rounds of "not ready yet": quick at first (a CRD's
// discovery usually follows within a second), then at most every 2 s.
constexpr Millis kFirstBackoff{250};
constexpr Millis kMaxBackoff{2000};
// Below this much time before the deadline another round is not worth starting.
constexpr Millis kMinLastRound{300};

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

ManifestFiles::ManifestFiles(const std::vector<Manifest>& all, const ApplySettings& settings)
    : all_(all), settings_(settings) {}

std::vector<ManifestFiles::Group> ManifestFiles::write(const std::vector<int>& indices,
                                                        const std::string& label) const {
  Group in_default, elsewhere;
  for (int i : indices) {
    const std::string& ns = all_[i].namespace_;
    bool other = !settings_.namespace_.empty() && !ns.empty() && ns != settings_.namespace_;
    (other ? elsewhere : in_default).indices.push_back(i);
  }
  if (!settings_.namespace_.empty()) in_default.ns_args = {"-n", settings_.namespace_};
  std::vector<Group> groups;
  for (Group* g : {&in_default, &elsewhere}) {
    if (g->indices.empty()) continue;
    g->dir = (fs::path(settings_.work_dir) / (label + (groups.empty() ? "" : "-other-namespaces"))).string();
    std::error_code ec;
    fs::remove_all(g->dir, ec);
    fs::create_directories(g->dir, ec);
    for (int i : g->indices) std::ofstream(fs::path(g->dir) / file_name(i), std::ios::binary) << all_[i].text;
    groups.push_back(std::move(*g));
  }
  return groups;
}

std::string ManifestFiles::describe(int index) const {
  const Manifest& m = all_[index];
  return object_ref(m, all_, settings_.namespace_) + " (" + m.where() + ")";
}

Applier::Applier(const Kubectl& kubectl, const std::vector<Manifest>& all, const ApplySettings& settings)
    : kubectl_(kubectl), all_(all), settings_(settings), files_(all, settings) {}

std::vector<std::string> Applier::apply_args(const ManifestFiles::Group& g) const {
  std::vector<std::string> args = {"apply", "-f", g.dir, "-o", "name"};
  args.insert(args.end(), g.ns_args.begin(), g.ns_args.end());
  if (settings_.server_side) {
    args.insert(args.end(), {"--server-side", "--field-manager=" + settings_.field_manager});
    if (settings_.force_conflicts) args.push_back("--force-conflicts");
  }
  return args;
}

Applier::Round Applier::run_round(const std::vector<int>& pending, const std::string& label) {
  Round round;
  auto groups = files_.write(pending, label);
  for (const auto& g : groups) {
    KubectlRun r = kubectl_.run(apply_args(g));
    round.cancelled = round.cancelled || r.cancelled();
    round.timed_out = round.timed_out || r.timed_out();
    if (round.cancelled || round.timed_out) return round;
    // kubectl prints the objects in the order it applied them; match each
    // name to the first object of that name not matched yet.
    std::vector<bool> done(g.indices.size(), r.ok());
    for (const std::string& name : parse_applied_names(r.out)) {
      for (size_t k = 0; k < g.indices.size(); ++k) {
        if (!done[k] && all_[g.indices[k]].kubectl_name() == name) {
          done[k] = true;
          break;
        }
      }
    }
    for (size_t k = 0; k < g.indices.size(); ++k) (done[k] ? round.applied : round.failed).push_back(g.indices[k]);
    if (r.ok()) continue;
    auto errors = parse_kubectl_errors(r.err, g.dir);
    if (errors.empty()) {
      std::string last = last_line(r.err);
      round.kubectl_failure = describe_end(r.process) + (last.empty() ? "" : ": " + kubectl_message(last));
    }
    round.errors.insert(round.errors.end(), errors.begin(), errors.end());
  }
  return round;
}

void Applier::attribute(Round& round) {
  std::set<int> failed(round.failed.begin(), round.failed.end());
  std::set<int> named;
  size_t unnamed = 0;
  bool unnamed_about_objects = false;  // not an unreachable server, which is about no object
  for (const auto& e : round.errors) {
    if (e.file_index >= 0) {
      named.insert(e.file_index);
    } else {
      ++unnamed;
      unnamed_about_objects = unnamed_about_objects || e.error_class != ErrorClass::kTransient;
    }
  }
  if (unnamed == 0 || !unnamed_about_objects) return;
  std::vector<int> silent;  // failed objects no error names
  for (int i : failed)
    if (!named.count(i)) silent.push_back(i);
  if (silent.size() == 1) {
    for (auto& e : round.errors)
      if (e.file_index < 0) e.file_index = silent.front();
    return;
  }
  // Server-side apply errors do not name the file: ask the server about each
  // silent object alone (a dry run changes nothing). Only on the way to failing.
  constexpr size_t kMaxProbes = 10;
  std::vector<KubectlError> found;
  for (size_t k = 0; k < silent.size() && k < kMaxProbes; ++k) {
    auto probe = files_.write({silent[k]}, "attribute-" + std::to_string(silent[k]));
    if (probe.empty()) continue;
    std::vector<std::string> args = apply_args(probe.front());
    args.push_back("--dry-run=server");
    KubectlRun r = kubectl_.run(args, false);
    if (r.cancelled() || r.timed_out()) break;
    for (auto& e : parse_kubectl_errors(r.err, probe.front().dir)) {
      e.file_index = silent[k];
      found.push_back(std::move(e));
    }
  }
  if (found.empty()) return;
  std::erase_if(round.errors, [](const KubectlError& e) { return e.file_index < 0; });
  round.errors.insert(round.errors.end(), found.begin(), found.end());
}

Failure Applier::failure_of(const Round& round, core::FailureClass c, const std::string& lead) const {
  // Failing fast (no lead), the error that decided the class leads: the
  // first permanent one, else the first that is not "not ready". At the
  // deadline, the first error. Every error goes to the log.
  const bool fail_fast = lead.empty();
  const KubectlError* first = nullptr;
  for (const auto& e : round.errors) {
    if (fail_fast && e.error_class == ErrorClass::kNotReady) continue;
    if (fail_fast && c == core::FailureClass::kPermanent && e.error_class != ErrorClass::kPermanent) continue;
    first = &e;
    break;
  }
  if (!first && !round.errors.empty()) first = &round.errors.front();
  for (const auto& e : round.errors) {
    std::string who = e.file_index >= 0 ? files_.describe(e.file_index) : "(object not named by kubectl)";
    kubectl_.ctx().log->info("error: " + who + ": " + kubectl_message(e.text));
  }
  Failure f;
  f.failure_class = c;
  if (!first) {
    f.summary = lead + (round.kubectl_failure.empty() ? "kubectl apply failed" : round.kubectl_failure);
    return f;
  }
  std::string who;
  if (first->file_index >= 0)
    who = files_.describe(first->file_index) + ": ";
  else if (first->error_class != ErrorClass::kTransient && !round.failed.empty())
    who = "one of " + plural(round.failed.size(), "object") + ", first " + files_.describe(round.failed.front()) + ": ";
  f.summary = lead + who + kubectl_message(first->text);
  if (round.errors.size() > 1) f.summary += " (and " + plural(round.errors.size() - 1, "more error") + " in the log)";
  return f;
}

std::optional<Failure> Applier::apply(const std::vector<int>& indices, const std::string& label) {
  std::vector<int> pending = indices;
  Millis backoff = kFirstBackoff;
  std::optional<Round> not_ready;  // the last round that was only "not ready yet"
  const std::string still = "still not ready after " + settings_.timeout_text + ": ";
  for (int round_no = 1; !pending.empty(); ++round_no) {
    kubectl_.ctx().log->info("applying " + plural(pending.size(), "object") + " (" + label +
                             (round_no > 1 ? ", round " + std::to_string(round_no) : "") + ")");
    std::string round_label = label + "-" + std::to_string(round_no);
    Round round = run_round(pending, round_label);
    if (round.cancelled) return Failure{core::FailureClass::kCancelled, "cancelled while kubectl apply ran"};
    if (round.timed_out) {
      // The deadline ended a retry: what kept the objects out is the last answer.
      if (not_ready) return failure_of(*not_ready, core::FailureClass::kTransient, still);
      return Failure{core::FailureClass::kTimeout,
                     "timed out after " + settings_.timeout_text + " while kubectl apply was still running"};
    }
    std::set<int> applied(round.applied.begin(), round.applied.end());
    std::erase_if(pending, [&](int i) { return applied.count(i) > 0; });
    if (pending.empty()) return std::nullopt;

    bool all_not_ready = !round.errors.empty() && round.kubectl_failure.empty();
    bool any_permanent = !round.kubectl_failure.empty();
    bool stale_discovery = false;
    for (const auto& e : round.errors) {
      all_not_ready = all_not_ready && e.error_class == ErrorClass::kNotReady;
      any_permanent = any_permanent || e.error_class == ErrorClass::kPermanent;
      stale_discovery = stale_discovery || e.text.find("could not find the requested resource") != std::string::npos;
    }
    if (!all_not_ready) {
      attribute(round);
      return failure_of(round, any_permanent ? core::FailureClass::kPermanent : core::FailureClass::kTransient, "");
    }
    // kubectl trusts its discovery cache for a kind it has seen: ask the
    // server afresh next round.
    if (stale_discovery) kubectl_.forget_discovery();
    // Retry until the deadline: the last wait is cut short so the final
    // round runs just before it (CRDs that become ready in the last second count).
    // `<=`: a round that ran at exactly kMinLastRound before the deadline was
    // the last one (on a manual clock, a zero wait would loop forever).
    auto left = std::chrono::duration_cast<Millis>(kubectl_.deadline() - kubectl_.now());
    if (left <= kMinLastRound) {
      attribute(round);
      return failure_of(round, core::FailureClass::kTransient, still);
    }
    Millis wait = std::min(backoff, left - kMinLastRound);
    const KubectlError& e = round.errors.front();
    std::string who = e.file_index >= 0 ? object_ref(all_[e.file_index], all_, settings_.namespace_) : "an object";
    kubectl_.ctx().log->info(plural(pending.size(), "object") + " not ready yet (" + who + ": " +
                             kubectl_message(e.text) + "); retrying in " + core::format_duration(wait));
    not_ready = round;
    if (core::log::enabled(core::log::Level::kDebug))
      core::log::debug("step " + kubectl_.ctx().step_id + " kubectl-apply: " + label + " round " + std::to_string(round_no) + ": " +
                       plural(pending.size(), "object") + " not ready (" + who + "), next round in " +
                       std::to_string(wait.count()) + "ms, " + std::to_string(left.count()) + "ms left");
    if (!kubectl_.sleep_for(wait))
      return Failure{core::FailureClass::kCancelled, "cancelled while waiting to retry"};
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  return std::nullopt;
}

}  // namespace wf::steps::kubectl_apply
