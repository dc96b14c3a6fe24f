#include "runner/exec/state.h"

#include "runner/exec/history.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "runner/core/files.h"
#include "runner/core/json.h"
#include "runner/core/strings.h"

namespace wf::exec {

namespace fs = std::filesystem;
using core::unexpected;
using core::Value;

namespace {

std::string errno_text(int err) { return std::strerror(err); }


// Writes all of `data` at the file's current offset (or its end, with
// O_APPEND), retrying short writes and EINTR. Returns 0 or an errno.
int write_all(int fd, std::string_view data, size_t* written = nullptr) {
  size_t total = 0;
  int err = 0;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    total += static_cast<size_t>(n);
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (written) *written = total;
  return err;
}

int fsync_dir(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// The size of the file, or -1.
off_t file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? st.st_size : -1;
}

// Reads [offset, offset+len) with pread; shorter when the file is.
std::string pread_string(int fd, off_t offset, size_t len) {
  std::string buf(len, '\0');
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, buf.data() + got, len - got, offset + static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  buf.resize(got);
  return buf;
}

// A journal cut in the middle of a line (SIGKILL during append) would glue
// the next appended event onto the fragment and turn a harmless torn last
// line into a corrupt middle one. So before appending: a fragment that does
// not parse is cut off; one that does (only its newline was lost) is ended.
int repair_torn_tail(int fd) {
  off_t size = file_size(fd);
  if (size <= 0) return size < 0 ? errno : 0;
  if (pread_string(fd, size - 1, 1) == "\n") return 0;
  off_t line_start = 0;
  constexpr off_t kChunk = 64 * 1024;
  for (off_t end = size; end > 0;) {
    off_t begin = std::max<off_t>(0, end - kChunk);
    std::string chunk = pread_string(fd, begin, static_cast<size_t>(end - begin));
    size_t nl = chunk.rfind('\n');
    if (nl != std::string::npos) {
      line_start = begin + static_cast<off_t>(nl) + 1;
      break;
    }
    end = begin;
  }
  std::string tail = pread_string(fd, line_start, static_cast<size_t>(size - line_start));
  if (core::parse_json(tail).ok()) {
    if (int err = write_all(fd, "\n")) return err;
  } else if (::ftruncate(fd, line_start) != 0) {
    return errno;
  }
  return ::fdatasync(fd) == 0 ? 0 : errno;
}

const std::string* string_member(const Value& event, std::string_view key) {
  const Value* v = event.find(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

// An attempt count; a value a journal could not have written (negative, not a
// whole number in int's range, NaN) reads as 0, never as undefined behaviour.
int int_member(const Value& event, std::string_view key) {
  const Value* v = event.find(key);
  if (!v || !v->is_number()) return 0;
  const double d = v->as_number();
  if (!(d >= 0 && d <= static_cast<double>(std::numeric_limits<int>::max()))) return 0;
  return static_cast<int>(d);
}

// Applies one event to the state; an error for an event that names no step.
std::optional<std::string> apply_event(const Value& event, JournalState& state) {
  const std::string* kind = string_member(event, "event");
  if (!kind) return std::nullopt;  // events without a kind carry nothing for resume
  if (*kind == "run_started") {
    // A resumed run appends a new run_started: until its own run_finished,
    // the run is unfinished again.
    if (const std::string* id = string_member(event, "run_id")) state.run_id = *id;
    state.finished = false;
    state.ok = false;
  } else if (*kind == "run_finished") {
    const Value* ok = event.find("ok");
    state.finished = true;
    state.ok = ok && ok->is_bool() && ok->as_bool();
  } else if (*kind == "attempt_started" || *kind == "step_finished") {
    const std::string* step = string_member(event, "step");
    if (!step) return *kind + " event without a \"step\" string";
    JournalStep s;  // the last event about a step replaces what came before
    s.outputs = Value(Value::Object{});
    if (const std::string* h = string_member(event, "definition_hash")) s.definition_hash = *h;
    if (*kind == "attempt_started") {
      s.attempts = int_member(event, "attempt");
    } else {
      if (const std::string* o = string_member(event, "outcome")) s.outcome = *o;
      if (const Value* out = event.find("outputs"); out && out->is_object()) s.outputs = *out;
      if (const Value* ex = event.find("exports"); ex && ex->is_object()) s.exports = *ex;
      s.attempts = int_member(event, "attempts");
    }
    state.steps[*step] = std::move(s);
  }
  return std::nullopt;
}

// The holder recorded in a lock file ("run_id pid start-time"), described
// for an error message; "" while the file holds no complete line yet.
std::string describe_holder(int fd) {
  std::string content = pread_string(fd, 0, 4096);
  if (content.find('\n') == std::string::npos) return "";
  std::istringstream in(content);
  std::string run_id, pid, started;
  if (!(in >> run_id >> pid >> started)) return "holder unknown";
  return "run " + run_id + ", pid " + pid + ", started " + started;
}

int flock_retrying(int fd, int op) {
  int rc;
  while ((rc = ::flock(fd, op)) != 0 && errno == EINTR) {
  }
  return rc == 0 ? 0 : errno;
}

}  // namespace

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  std::string id = core::utc_timestamp(now, false);
  // 2026-11-22T21:35:01Z -> 20261122-213501, then milliseconds, so that runs
  // started within one second still sort by start time.
  std::string compact;
  for (char c : id) {
    if (c == 'T') compact += '-';
    else if (c >= '0' && c <= '9') compact += c;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%03d-%04x", static_cast<int>(ms), static_cast<unsigned>(rd() & 0xffff));
  return compact + suffix;
}

// ---- Journal -------------------------------------------------------------

core::Expected<std::unique_ptr<Journal>, std::string> Journal::open(const std::string& run_dir) {
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) return unexpected("cannot create " + run_dir + ": " + ec.message());
  std::string path = (fs::path(run_dir) / "journal.jsonl").string();
  bool existed = ::access(path.c_str(), F_OK) == 0;
  int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return unexpected("cannot open " + path + ": " + errno_text(errno));
  // A new journal's directory entry must survive a crash as well as its lines.
  int err = existed ? repair_torn_tail(fd) : fsync_dir(run_dir);
  if (err) {
    ::close(fd);
    return unexpected("cannot prepare " + path + ": " + errno_text(err));
  }
  return std::unique_ptr<Journal>(new Journal(fd, std::move(path)));
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(const core::Value& event, Sync sync) {
  Value::Object line_obj;
  line_obj.emplace_back("time", core::utc_timestamp(std::chrono::system_clock::now(), true));
  if (event.is_object()) {
    for (const auto& member : event.as_object()) {
      if (member.first != "time") line_obj.push_back(member);
    }
  } else if (!event.is_null()) {
    line_obj.emplace_back("value", event);
  }
  std::string line = core::to_json(Value(std::move(line_obj))) + "\n";

  std::lock_guard<std::mutex> lock(mu_);
  size_t written = 0;
  int err = write_all(fd_, line, &written);
  if (err != 0 && written > 0) {
    // Take back a partial line (a full disk), so later events stay readable.
    off_t size = file_size(fd_);
    if (size >= static_cast<off_t>(written)) (void)!::ftruncate(fd_, size - static_cast<off_t>(written));
  }
  if (err == 0 && sync == Sync::kLater) {
    unsynced_ = true;
    return;
  }
  if (err == 0 && ::fdatasync(fd_) != 0) err = errno;
  unsynced_ = false;
  report(err);
}

void Journal::sync() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!unsynced_) return;
  unsynced_ = false;
  report(::fdatasync(fd_) == 0 ? 0 : errno);
}

void Journal::report(int err) {
  if (err != 0 && !write_failed_) {
    write_failed_ = true;
    failure_ = "cannot write journal " + path_ + ": " + errno_text(err);
    std::fprintf(stderr, "wf: %s (a resume may repeat steps)\n", failure_.c_str());
  }
}

std::string Journal::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

// ---- reading -------------------------------------------------------------

core::Expected<JournalState, std::string> read_journal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected("cannot read " + path + ": " + errno_text(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unexpected("cannot read " + path);
  return parse_journal(text, path);
}

core::Expected<JournalState, std::string> parse_journal(std::string_view text, const std::string& path) {
  JournalState state;
  size_t pos = 0;
  for (size_t line_no = 1; pos < text.size(); ++line_no) {
    size_t nl = text.find('\n', pos);
    bool complete = nl != std::string::npos;
    std::string_view line(text.data() + pos, (complete ? nl : text.size()) - pos);
    pos = complete ? nl + 1 : text.size();
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;

    auto where = [&] { return path + ":" + std::to_string(line_no) + ": "; };
    auto event = core::parse_json(line);
    if (!event.ok()) {
      if (!complete) break;  // torn by a kill in the middle of append()
      return unexpected(where() + event.error());
    }
    if (!event->is_object()) {
      if (!complete) break;
      return unexpected(where() + "an event must be a JSON object");
    }
    if (auto err = apply_event(*event, state)) return unexpected(where() + *err);
    ++state.events;
  }
  return state;
}

std::string workflow_key(const std::string& file) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(file, ec), ec);
  return p.lexically_normal().string();
}

namespace {

// Whether the run in `dir` is one of the workflow's: its run_started event
// names the same workflow_key (runs written before keys existed: the same
// file name).
bool run_of(const fs::path& dir, const std::string& key) {
  std::ifstream in(dir / "journal.jsonl");
  std::string line;
  if (!std::getline(in, line)) return false;
  auto v = core::parse_json(line);
  if (!v || !v->is_object()) return false;
  if (const Value* k = v->find("file_key"); k && k->is_string()) return k->as_string() == key;
  const Value* f = v->find("file");
  return f && f->is_string() && fs::path(f->as_string()).filename() == fs::path(key).filename();
}

}  // namespace

std::optional<std::string> find_resumable_run(const std::string& state_dir, const std::string& id,
                                              const std::string& workflow_key) {
  fs::path runs = fs::path(state_dir) / "runs";
  std::error_code ec;
  if (!id.empty()) {
    if (id == "." || id == ".." || id.find('/') != std::string::npos) return std::nullopt;
    fs::path dir = runs / id;
    if (fs::is_directory(dir, ec)) return dir.string();
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (fs::directory_iterator it(runs, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) names.push_back(it->path().filename().string());
  }
  std::sort(names.rbegin(), names.rend());  // run ids sort by start time: newest first
  // Only the newest run counts, whatever its state: once a run (a resume or
  // a fresh one) has succeeded, resuming it reuses every step, and the
  // failures before it are history. A journal that cannot be read is still
  // the newest run: resuming it reports why.
  for (const auto& name : names) {
    fs::path journal = runs / name / "journal.jsonl";
    if (!fs::exists(journal, ec)) continue;
    if (!workflow_key.empty() && !run_of(runs / name, workflow_key)) continue;
    return (runs / name).string();
  }
  return std::nullopt;
}

Pruned prune_runs(const std::string& state_dir, const std::string& workflow_key, size_t keep) {
  std::vector<RunRecord> runs = list_runs(state_dir, workflow_key);  // newest first
  std::vector<size_t> doomed = runs_to_prune(runs, std::max<size_t>(keep, 1), std::nullopt, 0);
  Pruned out;
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {  // oldest first
    auto bytes = remove_run(runs[*it]);
    if (!bytes) continue;
    out.removed.push_back(runs[*it].id);
    out.bytes += *bytes;
  }
  return out;
}

// ---- atomic files --------------------------------------------------------

namespace {
constexpr size_t kAtomicFileBuffer = 64 * 1024;
}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  fs::path target(path_);
  std::string prefix = (target.parent_path() / ".").string() + target.filename().string();
  std::random_device rd;
  for (int i = 0; i < 100 && fd_ < 0; ++i) {
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%d-%08x", static_cast<int>(::getpid()), static_cast<unsigned>(rd()));
    tmp_ = prefix + suffix;
    // 0666 so the file gets the same permissions (after umask) as a plain write.
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) error_ = "cannot create a temporary file for " + path_ + ": " + errno_text(errno);
}

AtomicFile::~AtomicFile() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(tmp_.c_str());
}

void AtomicFile::write(std::string_view data) {
  if (fd_ < 0 || err_ != 0) return;
  if (buf_.size() + data.size() > kAtomicFileBuffer) flush();
  if (data.size() >= kAtomicFileBuffer) err_ = write_all(fd_, data);
  else buf_.append(data);
}

void AtomicFile::flush() {
  if (err_ == 0 && !buf_.empty()) err_ = write_all(fd_, buf_);
  buf_.clear();
}

core::Expected<bool, std::string> AtomicFile::commit() {
  if (fd_ < 0) return unexpected(error_);
  flush();
  std::string().swap(buf_);
  int err = err_;
  if (err == 0 && ::fsync(fd_) != 0) err = errno;
  if (::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err == 0 && ::rename(tmp_.c_str(), path_.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp_.c_str());
    return unexpected("cannot write " + path_ + ": " + errno_text(err));
  }
  std::string dir = fs::path(path_).parent_path().string();
  if (int derr = fsync_dir(dir)) return unexpected("cannot sync the directory of " + path_ + ": " + errno_text(derr));
  return true;
}

core::Expected<bool, std::string> write_file_atomic(const std::string& path, const std::string& content) {
  AtomicFile file(path);
  file.write(content);
  return file.commit();
}

// ---- lock ----------------------------------------------------------------

core::Expected<std::unique_ptr<StateLock>, std::string> StateLock::acquire(
    const std::string& state_dir, const std::string& run_id, bool wait, const std::string& name,
    const std::function<void(const std::string&)>& waiting) {
  std::error_code ec;
  fs::path dir = name.empty() ? fs::path(state_dir) : fs::path(state_dir) / "locks";
  fs::create_directories(dir, ec);
  if (ec) return unexpected("cannot create " + dir.string() + ": " + ec.message());
  std::string path = (dir / (name.empty() ? std::string("lock") : name + ".lock")).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return unexpected("cannot open " + path + ": " + errno_text(errno));

  int err = flock_retrying(fd, LOCK_EX | LOCK_NB);
  if (err == EWOULDBLOCK && !wait) {
    // A holder writes its line just after it gets the lock, and clears it
    // just before it lets go: in either window, look again for a moment.
    std::string holder;
    for (int i = 0; i < 20 && err == EWOULDBLOCK && holder.empty(); ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
      holder = describe_holder(fd);
      if (holder.empty()) err = flock_retrying(fd, LOCK_EX | LOCK_NB);
    }
    if (err == EWOULDBLOCK) {
      ::close(fd);
      return unexpected("another wf run holds the lock on " + state_dir + " (" +
                        (holder.empty() ? "holder unknown" : holder) +
                        "); wait for it to finish or pass --wait-lock");
    }
  }
  if (err == EWOULDBLOCK) {
    if (waiting) {
      std::string holder = describe_holder(fd);
      waiting("waiting for the lock on " + path + " (held by " + (holder.empty() ? "an unknown run" : holder) + ")");
    }
    err = flock_retrying(fd, LOCK_EX);
  }
  if (err != 0) {
    ::close(fd);
    return unexpected("cannot lock " + path + ": " + errno_text(err));
  }

  std::string holder = run_id + " " + std::to_string(::getpid()) + " " +
                       core::utc_timestamp(std::chrono::system_clock::now(), false) + "\n";
  err = ::ftruncate(fd, 0) == 0 ? 0 : errno;
  if (err == 0 && ::lseek(fd, 0, SEEK_SET) < 0) err = errno;
  if (err == 0) err = write_all(fd, holder);
  if (err != 0) {
    ::close(fd);  // releases the lock
    return unexpected("cannot write " + path + ": " + errno_text(err));
  }
  return std::unique_ptr<StateLock>(new StateLock(fd));
}

StateLock::~StateLock() {
  if (fd_ < 0) return;
  // Clear the holder while still holding the lock, so a stale line never
  // names a run that is gone; then unlock and close.
  (void)!::ftruncate(fd_, 0);
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace wf::exec
