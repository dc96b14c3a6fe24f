#include "runner/exec/history.h"

#include <set>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "runner/core/json.h"

namespace wf::exec {

namespace fs = std::filesystem;
using core::Value;

namespace {

std::string string_of(const Value& event, std::string_view key) {
  const Value* v = event.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

bool bool_of(const Value& event, std::string_view key) {
  const Value* v = event.find(key);
  return v && v->is_bool() && v->as_bool();
}

double number_of(const Value& event, std::string_view key) {
  const Value* v = event.find(key);
  return v && v->is_number() ? v->as_number() : 0;
}

int int_of(const Value& event, std::string_view key) {
  double d = number_of(event, key);
  return d >= 0 && d <= std::numeric_limits<int>::max() ? static_cast<int>(d) : 0;
}

PastStep& step_named(PastRun& run, const std::string& id) {
  for (auto& s : run.steps)
    if (s.id == id) return s;
  run.steps.push_back(PastStep{});
  run.steps.back().id = id;
  run.steps.back().outputs = Value(Value::Object{});
  return run.steps.back();
}

PastAttempt& attempt_numbered(PastStep& step, int n) {
  for (auto& a : step.attempt_list)
    if (a.attempt == n) return a;
  step.attempt_list.push_back(PastAttempt{});
  step.attempt_list.back().attempt = n;
  return step.attempt_list.back();
}

void apply_run_event(const std::string& kind, const Value& event, PastRun& run) {
  if (kind == "run_started" || kind == "step_started") {
    if (run.id.empty()) run.id = string_of(event, "run_id");
    if (run.file.empty()) run.file = string_of(event, "file");
    if (run.workflow.empty()) run.workflow = string_of(event, "workflow");
    if (run.file_key.empty()) run.file_key = string_of(event, "file_key");
    if (run.resumed_from.empty()) run.resumed_from = string_of(event, "resumed_from");
    if (const Value* in = event.find("inputs"); in && in->is_object() && run.inputs.is_null()) run.inputs = *in;
    run.single_step = run.single_step || kind == "step_started";
    if (kind == "step_started") step_named(run, string_of(event, "step"));
    run.finished = false;
  } else if (kind == "run_finished") {
    run.finished = true;
    run.ok = bool_of(event, "ok");
    run.cancelled = bool_of(event, "cancelled");
  }
}

void apply_step_event(const std::string& kind, const Value& event, int64_t t, PastRun& run) {
  PastStep& s = step_named(run, string_of(event, "step"));
  if (kind == "attempt_started") {
    PastAttempt& a = attempt_numbered(s, int_of(event, "attempt"));
    a.started = string_of(event, "time");
    if (s.started_ms < 0) s.started_ms = t;
  } else if (kind == "attempt_finished") {
    PastAttempt& a = attempt_numbered(s, int_of(event, "attempt"));
    a.finished = true;
    a.ok = bool_of(event, "ok");
    a.failure_class = string_of(event, "class");
    a.summary = string_of(event, "summary");
    a.duration_ms = number_of(event, "duration_ms");
  } else {  // step_finished
    s.outcome = string_of(event, "outcome");
    s.reason = string_of(event, "reason");
    s.reused = bool_of(event, "reused");
    s.continue_on_error = bool_of(event, "continue_on_error");
    s.attempts = int_of(event, "attempts");
    if (const Value* out = event.find("outputs"); out && out->is_object()) s.outputs = *out;
    s.finished_ms = t;
  }
}

// `wf step` writes no run_finished: its run is over when each step it
// started has finished.
void close_single_step(PastRun& run) {
  if (!run.single_step || run.finished) return;
  bool all = !run.steps.empty();
  bool ok = true;
  for (const auto& s : run.steps) {
    all = all && !s.outcome.empty();
    ok = ok && (s.outcome == "success" || s.outcome == "skipped");
  }
  run.finished = all;
  run.ok = all && ok;
}

}  // namespace

const PastStep* PastRun::step(std::string_view step_id) const {
  for (const auto& s : steps)
    if (s.id == step_id) return &s;
  return nullptr;
}

core::Expected<PastRun, std::string> summarize_journal(std::string_view text, const std::string& path) {
  PastRun run;
  size_t pos = 0;
  for (size_t line_no = 1; pos < text.size(); ++line_no) {
    size_t nl = text.find('\n', pos);
    bool complete = nl != std::string_view::npos;
    std::string_view line = text.substr(pos, (complete ? nl : text.size()) - pos);
    pos = complete ? nl + 1 : text.size();
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto event = core::parse_json(line);
    if (!event || !event->is_object()) {
      if (!complete) break;  // torn by a kill in the middle of append()
      return core::unexpected(path + ":" + std::to_string(line_no) + ": " +
                              (event ? std::string("an event must be a JSON object") : event.error()));
    }
    int64_t t = parse_utc_ms(string_of(*event, "time")).value_or(-1);
    if (t >= 0 && run.started_ms < 0) run.started_ms = t;
    if (t >= 0) run.last_event_ms = t;
    std::string kind = string_of(*event, "event");
    if (kind == "attempt_started" || kind == "attempt_finished" || kind == "step_finished") {
      if (string_of(*event, "step").empty())
        return core::unexpected(path + ":" + std::to_string(line_no) + ": " + kind + " event without a \"step\" string");
      apply_step_event(kind, *event, t, run);
    } else {
      apply_run_event(kind, *event, run);
    }
  }
  close_single_step(run);
  return run;
}

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::kSuccess: return "success";
    case RunStatus::kFailure: return "failure";
    case RunStatus::kCancelled: return "cancelled";
    case RunStatus::kInProgress: return "in progress";
    case RunStatus::kInterrupted: return "interrupted";
  }
  return "?";
}

RunStatus run_status(const PastRun& run, bool lock_held) {
  if (run.finished) return run.ok ? RunStatus::kSuccess : run.cancelled ? RunStatus::kCancelled : RunStatus::kFailure;
  return lock_held ? RunStatus::kInProgress : RunStatus::kInterrupted;
}

int64_t RunRecord::started_ms() const {
  if (run.started_ms >= 0) return run.started_ms;
  return run_id_time_ms(id).value_or(-1);
}

bool run_of_workflow(const PastRun& run, const std::string& key) {
  if (key.empty()) return true;
  if (!run.file_key.empty()) return run.file_key == key;
  return !run.file.empty() && fs::path(run.file).filename() == fs::path(key).filename();
}

namespace {

uint64_t tree_bytes(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

std::string read_text(const fs::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  return ok ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

RunRecord record_of(const std::string& state_dir, const fs::path& dir) {
  RunRecord r;
  r.dir = dir.string();
  r.id = dir.filename().string();
  r.bytes = tree_bytes(dir);
  bool readable = false;
  std::string text = read_text(dir / "journal.jsonl", readable);
  if (!readable) {
    r.error = "no journal in " + r.dir;
    return r;
  }
  auto run = summarize_journal(text, (dir / "journal.jsonl").string());
  if (!run) {
    r.error = run.error();
    return r;
  }
  r.run = std::move(*run);
  bool held = false;
  if (!r.run.finished && !r.run.file.empty()) {
    auto holder = lock_holder(state_dir, fs::path(r.run.file).filename().string());
    held = holder && (*holder == r.id || holder->empty());
  }
  r.status = run_status(r.run, held);
  return r;
}

}  // namespace

std::vector<RunRecord> list_runs(const std::string& state_dir, const std::string& key) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(fs::path(state_dir) / "runs", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code dir_ec;
    if (it->is_directory(dir_ec)) names.push_back(it->path().filename().string());
  }
  std::sort(names.rbegin(), names.rend());
  std::vector<RunRecord> out;
  for (const auto& name : names) {
    RunRecord r = record_of(state_dir, fs::path(state_dir) / "runs" / name);
    if (!r.error.empty() ? key.empty() : run_of_workflow(r.run, key)) out.push_back(std::move(r));
  }
  return out;
}

std::optional<RunRecord> read_run(const std::string& state_dir, const std::string& id) {
  if (id.empty() || id == "." || id == ".." || id.find('/') != std::string::npos) return std::nullopt;
  fs::path dir = fs::path(state_dir) / "runs" / id;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return std::nullopt;
  return record_of(state_dir, dir);
}

std::optional<std::string> lock_holder(const std::string& state_dir, const std::string& name) {
  std::string path = (fs::path(state_dir) / "locks" / (name + ".lock")).string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  int rc;
  while ((rc = ::flock(fd, LOCK_SH | LOCK_NB)) != 0 && errno == EINTR) {
  }
  if (rc == 0) {
    // Free: let go at once, so a run starting now does not see it held.
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return std::nullopt;
  }
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  std::string content(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (content.find('\n') == std::string::npos) return std::string();
  return content.substr(0, content.find_first_of(" \n"));
}

std::optional<int64_t> parse_utc_ms(std::string_view text) {
  // 2026-11-22T21:35:01Z or 2026-11-22T21:35:01.123Z
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z')
    return std::nullopt;
  auto digits = [&](size_t at, size_t n) -> int {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_year = digits(0, 4) - 1900;
  tm.tm_mon = digits(5, 2) - 1;
  tm.tm_mday = digits(8, 2);
  tm.tm_hour = digits(11, 2);
  tm.tm_min = digits(14, 2);
  tm.tm_sec = digits(17, 2);
  int ms = 0;
  if (text.size() == 24 && text[19] == '.') ms = digits(20, 3);
  else if (text.size() != 20) return std::nullopt;
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 || tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0 || ms < 0)
    return std::nullopt;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + ms;
}

std::optional<int64_t> run_id_time_ms(std::string_view id) {
  // 20261122-213501123-4f2a
  if (id.size() < 18 || id[8] != '-') return std::nullopt;
  std::string iso = std::string(id.substr(0, 4)) + "-" + std::string(id.substr(4, 2)) + "-" +
                    std::string(id.substr(6, 2)) + "T" + std::string(id.substr(9, 2)) + ":" +
                    std::string(id.substr(11, 2)) + ":" + std::string(id.substr(13, 2)) + "." +
                    std::string(id.substr(15, 3)) + "Z";
  return parse_utc_ms(iso);
}

std::optional<core::Millis> parse_age(std::string_view text) {
  core::Millis days{0};
  if (size_t d = text.find('d'); d != std::string_view::npos) {
    std::string_view n = text.substr(0, d);
    if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    days = std::chrono::hours(24) * std::stoll(std::string(n));
    text.remove_prefix(d + 1);
    if (text.empty()) return days;
  }
  auto rest = core::parse_duration(text);
  if (!rest) return std::nullopt;
  return days + *rest;
}

std::vector<size_t> runs_to_prune(const std::vector<RunRecord>& runs, std::optional<size_t> keep,
                                  std::optional<core::Millis> older_than, int64_t now_ms) {
  std::vector<size_t> out;
  if (!keep && !older_than) return out;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].status == RunStatus::kInProgress) continue;
    if (keep && i < *keep) continue;
    if (older_than) {
      int64_t started = runs[i].started_ms();
      if (started < 0 || now_ms - started < older_than->count()) continue;
    }
    out.push_back(i);
  }
  // A kept run keeps the runs it resumed, however far back: a resume of it
  // reads their journals and gh-dispatch's dispatch records.
  std::set<std::string> removed;
  for (size_t i : out) removed.insert(runs[i].id);
  std::set<std::string> needed;
  for (const auto& r : runs) {
    if (removed.count(r.id)) continue;
    for (std::string id = r.run.resumed_from; !id.empty() && needed.insert(id).second;) {
      auto it = std::find_if(runs.begin(), runs.end(), [&](const RunRecord& x) { return x.id == id; });
      id = it == runs.end() ? "" : it->run.resumed_from;
    }
  }
  out.erase(std::remove_if(out.begin(), out.end(), [&](size_t i) { return needed.count(runs[i].id) > 0; }), out.end());
  return out;
}

core::Expected<uint64_t, std::string> remove_run(const RunRecord& run) {
  std::error_code ec;
  fs::remove_all(run.dir, ec);
  if (ec) return core::unexpected("cannot remove " + run.dir + ": " + ec.message());
  return run.bytes;
}

}  // namespace wf::exec
