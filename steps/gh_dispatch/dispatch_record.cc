#include "steps/gh_dispatch/dispatch_record.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "runner/core/json.h"

namespace wf::steps::gh {

namespace fs = std::filesystem;
using core::Value;

namespace {

constexpr const char* kFile = "dispatch.json";
constexpr int kMaxResumeChain = 50;

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string str(const Value& v, const char* name) {
  const Value* f = v.find(name);
  return f && f->is_string() ? f->as_string() : std::string();
}

long long num(const Value& v, const char* name) {
  const Value* f = v.find(name);
  return f && f->is_number() ? static_cast<long long>(f->as_number()) : 0;
}

// The run a run's journal says it resumes ("" when none).
std::string resumed_from(const fs::path& run_dir) {
  std::ifstream in(run_dir / "journal.jsonl");
  std::string first;
  if (!std::getline(in, first)) return {};
  auto v = core::parse_json(first);
  return v ? str(*v, "resumed_from") : std::string();
}

std::string write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::strerror(errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

const char* state_name(DispatchRecord::State s) {
  switch (s) {
    case DispatchRecord::State::kIntent:
      return "intent";
    case DispatchRecord::State::kAccepted:
      return "accepted";
    case DispatchRecord::State::kRejected:
      return "rejected";
    case DispatchRecord::State::kCancelRequested:
      return "cancel-requested";
  }
  return "intent";
}

Value DispatchRecord::to_value() const {
  Value::Object o{{"version", 1},
                  {"correlation_id", correlation_id},
                  {"fingerprint", fingerprint},
                  {"state", state_name(state)},
                  {"attempt", attempt},
                  {"since", since},
                  {"baseline_run_id", static_cast<double>(baseline_run_id)},
                  {"sent_at_ms", static_cast<double>(sent_at_ms)},
                  {"run_id", run_id ? Value(static_cast<double>(*run_id)) : Value()},
                  {"run_url", run_url},
                  {"html_url", html_url}};
  return Value(std::move(o));
}

std::optional<DispatchRecord> DispatchRecord::from_value(const Value& v) {
  if (!v.is_object() || num(v, "version") != 1) return std::nullopt;
  DispatchRecord r;
  r.correlation_id = str(v, "correlation_id");
  r.fingerprint = str(v, "fingerprint");
  std::string state = str(v, "state");
  bool known = false;
  for (auto s : {State::kIntent, State::kAccepted, State::kRejected, State::kCancelRequested})
    if (state == state_name(s)) {
      r.state = s;
      known = true;
    }
  if (!known || r.fingerprint.empty()) return std::nullopt;
  r.attempt = static_cast<int>(num(v, "attempt"));
  r.since = str(v, "since");
  r.baseline_run_id = num(v, "baseline_run_id");
  r.sent_at_ms = num(v, "sent_at_ms");
  if (long long id = num(v, "run_id"); id > 0) r.run_id = id;
  r.run_url = str(v, "run_url");
  r.html_url = str(v, "html_url");
  return r;
}

std::string new_correlation_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(gen()),
                static_cast<unsigned long long>(gen()));
  return buf;
}

RecordStore::RecordStore(std::string step_dir) : step_dir_(std::move(step_dir)) {}

std::string RecordStore::path() const { return (fs::path(step_dir_) / kFile).string(); }

std::vector<std::string> RecordStore::resumed_paths() const {
  // step_dir = <state>/runs/<id>/steps/<step>
  fs::path step_dir(step_dir_);
  std::string step = step_dir.filename().string();
  fs::path run_dir = step_dir.parent_path().parent_path();
  fs::path runs = run_dir.parent_path();
  std::vector<std::string> out;
  std::string prev = resumed_from(run_dir);
  for (int i = 0; i < kMaxResumeChain && !prev.empty(); ++i) {
    fs::path dir = runs / prev;
    out.push_back((dir / "steps" / step / kFile).string());
    prev = resumed_from(dir);
  }
  return out;
}

std::optional<DispatchRecord> RecordStore::load() const {
  std::vector<std::string> candidates{path()};
  for (auto& p : resumed_paths()) candidates.push_back(std::move(p));
  for (const auto& p : candidates) {
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    auto v = core::parse_json(read_whole(p));
    if (!v) continue;
    if (auto r = DispatchRecord::from_value(*v)) return r;
  }
  return std::nullopt;
}

std::string RecordStore::save(const DispatchRecord& record) const {
  std::error_code ec;
  fs::create_directories(step_dir_, ec);
  std::string tmp = path() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot write " + tmp + ": " + std::strerror(errno);
  std::string err = write_all(fd, core::to_json(record.to_value(), 2) + "\n");
  if (err.empty() && ::fsync(fd) != 0) err = std::strerror(errno);
  ::close(fd);
  if (!err.empty()) return "cannot write " + tmp + ": " + err;
  if (::rename(tmp.c_str(), path().c_str()) != 0) return "cannot write " + path() + ": " + std::strerror(errno);
  int dir = ::open(step_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace wf::steps::gh
