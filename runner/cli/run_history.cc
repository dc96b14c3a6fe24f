#include "runner/cli/run_history.h"

#include <chrono>
#include <filesystem>
#include <set>

#include "runner/core/strings.h"
#include "runner/exec/state.h"

namespace wf::cli {

namespace fs = std::filesystem;
using core::Value;

namespace {

// What names a run's workflow when no file is given: its key, or for
// journals older than keys, its file as recorded.
std::string key_of(const exec::RunRecord& r) { return r.run.file_key.empty() ? r.run.file : r.run.file_key; }

core::Value or_null(const std::string& s) { return s.empty() ? core::Value() : core::Value(s); }

std::string list_ids(const std::vector<exec::RunRecord>& runs) {
  std::string out;
  size_t shown = std::min<size_t>(runs.size(), 10);
  for (size_t i = 0; i < shown; ++i) out += "\n  " + runs[i].id + "  " + exec::run_status_name(runs[i].status);
  if (runs.size() > shown) out += "\n  ... and " + std::to_string(runs.size() - shown) + " older (wf runs)";
  return out;
}

}  // namespace

core::Expected<HistoryScope, std::string> history_scope(const HistoryWhere& where) {
  HistoryScope scope;
  if (!where.file.empty()) {
    scope.key = exec::workflow_key(where.file);
    scope.state_dir = !where.state_dir.empty() ? fs::absolute(where.state_dir).lexically_normal().string()
                                               : (fs::path(scope.key).parent_path() / ".wf").string();
    return scope;
  }
  scope.state_dir = fs::absolute(where.state_dir.empty() ? ".wf" : where.state_dir).lexically_normal().string();
  std::set<std::string> keys;
  for (const auto& r : exec::list_runs(scope.state_dir))
    if (r.error.empty()) keys.insert(key_of(r));
  if (keys.size() > 1) {
    std::string msg = "runs of " + std::to_string(keys.size()) + " workflows are recorded under " + scope.state_dir +
                      "; name one with --file:";
    for (const auto& k : keys) msg += "\n  " + k;
    return core::unexpected(msg);
  }
  if (!keys.empty()) scope.key = *keys.begin();
  return scope;
}

core::Expected<exec::RunRecord, std::string> pick_run(const HistoryScope& scope, const std::string& id) {
  if (!id.empty()) {
    if (auto r = exec::read_run(scope.state_dir, id)) return std::move(*r);
  }
  auto runs = exec::list_runs(scope.state_dir, scope.key);
  if (id.empty() && !runs.empty()) return std::move(runs.front());
  std::string where = fs::path(scope.state_dir) / "runs";
  if (runs.empty()) {
    return core::unexpected((id.empty() ? std::string("no runs") : "no run '" + id + "' (and no runs at all)") +
                            " recorded under " + where + " (runs are recorded by wf run; --file or --state-dir "
                            "name another workflow's)");
  }
  return core::unexpected("no run '" + id + "' under " + where + "; the runs there, newest first:" + list_ids(runs));
}

std::string utc_text(int64_t ms) {
  if (ms < 0) return "-";
  return core::utc_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)), false);
}

core::Millis run_duration(const exec::RunRecord& r, int64_t now) {
  int64_t start = r.started_ms();
  if (start < 0) return core::Millis(0);
  int64_t end = r.status == exec::RunStatus::kInProgress ? now : r.run.last_event_ms;
  return core::Millis(std::max<int64_t>(0, end - start));
}

StepCounts count_steps(const exec::PastRun& run) {
  StepCounts c;
  for (const auto& s : run.steps) {
    if (s.outcome == "success") ++c.ok;
    else if (s.outcome == "failure") ++c.failed;
    else if (s.outcome == "skipped") ++c.skipped;
    else if (s.outcome == "cancelled") ++c.cancelled;
  }
  return c;
}

Value run_json(const exec::RunRecord& r, int64_t now) {
  StepCounts c = count_steps(r.run);
  bool ended = r.status != exec::RunStatus::kInProgress && r.run.last_event_ms >= 0;
  return Value(Value::Object{
      {"id", r.id},
      {"workflow", or_null(r.run.workflow)},
      {"file", or_null(r.run.file_key.empty() ? r.run.file : r.run.file_key)},
      {"started", r.started_ms() < 0 ? Value() : Value(utc_text(r.started_ms()))},
      {"ended", ended ? Value(utc_text(r.run.last_event_ms)) : Value()},
      {"duration_ms", static_cast<double>(run_duration(r, now).count())},
      {"outcome", exec::run_status_name(r.status)},
      {"counts", Value(Value::Object{{"ok", c.ok}, {"failed", c.failed}, {"skipped", c.skipped},
                                    {"cancelled", c.cancelled}})},
      {"resumed_from", or_null(r.run.resumed_from)},
      {"single_step", r.run.single_step},
      {"dir", r.dir},
      {"bytes", static_cast<double>(r.bytes)},
      {"error", or_null(r.error)}});
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace wf::cli
