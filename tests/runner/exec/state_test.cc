#include "runner/exec/state.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "runner/core/json.h"

namespace fs = std::filesystem;
using wf::core::Value;
using namespace wf::exec;

namespace {

// A fresh directory under /tmp, removed with its content at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/wf-state-test-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& rel) const { return (fs::path(path_) / rel).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Value object(Value::Object members) { return Value(std::move(members)); }

Value step_finished(const std::string& step, const std::string& outcome, Value outputs = Value(Value::Object{})) {
  return object({{"event", "step_finished"},
                 {"step", step},
                 {"outcome", outcome},
                 {"definition_hash", "h-" + step},
                 {"outputs", outputs},
                 {"attempts", 1}});
}

// Writes a journal for run `id` under state_dir/runs: unfinished, or finished with `ok`.
void write_run(const ScratchDir& dir, const std::string& id, std::optional<bool> finished_ok) {
  auto journal = Journal::open(dir / ("state/runs/" + id));
  REQUIRE(journal.ok());
  (*journal)->append(object({{"event", "run_started"}, {"run_id", id}}));
  if (finished_ok) (*journal)->append(object({{"event", "run_finished"}, {"ok", *finished_ok}}));
}

std::string utc_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

}  // namespace

// ---- run ids -------------------------------------------------------------

TEST_CASE("run id: UTC date and time to the millisecond with four random hex digits", "[exec][state]") {
  std::time_t before = std::time(nullptr);
  std::string id = new_run_id();
  std::time_t after = std::time(nullptr);
  CAPTURE(id);
  REQUIRE(std::regex_match(id, std::regex(R"(\d{8}-\d{9}-[0-9a-f]{4})")));
  std::string date = id.substr(0, 8);
  CHECK((date == utc_date(before) || date == utc_date(after)));
}

TEST_CASE("run id: a later run sorts after an earlier one", "[exec][state]") {
  std::string first = new_run_id();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string second = new_run_id();
  CHECK(first < second);  // within the same second too
}

// ---- journal -------------------------------------------------------------

TEST_CASE("journal: events round-trip, each on one line starting with its time", "[exec][state]") {
  ScratchDir dir;
  std::string run_dir = dir / "a/b/runs/r1";  // parents are created
  {
    auto journal = Journal::open(run_dir);
    REQUIRE(journal.ok());
    auto& j = **journal;
    j.append(object({{"event", "run_started"}, {"run_id", "r1"}}));
    j.append(object({{"event", "attempt_started"}, {"step", "build"}, {"attempt", 1}, {"definition_hash", "hb"}}));
    j.append(step_finished("build", "success", object({{"digest", "sha256:abc"}, {"multi", "a\nb"}})));
    j.append(object({{"event", "attempt_started"}, {"step", "deploy"}, {"attempt", 2}, {"definition_hash", "hd"}}));
    j.append(object({{"event", "run_finished"}, {"ok", false}}));
  }
  std::string path = run_dir + "/journal.jsonl";
  auto lines = lines_of(slurp(path));
  REQUIRE(lines.size() == 5);
  std::regex time_first(R"(^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",.*\}$)");
  for (const auto& line : lines) {
    CAPTURE(line);
    CHECK(std::regex_match(line, time_first));
  }

  auto state = read_journal(path);
  REQUIRE(state.ok());
  CHECK(state->run_id == "r1");
  CHECK(state->finished);
  CHECK_FALSE(state->ok);
  CHECK(state->events == 5);
  REQUIRE(state->steps.size() == 2);
  const JournalStep& build = state->steps.at("build");
  CHECK(build.outcome == "success");
  CHECK(build.definition_hash == "h-build");
  CHECK(build.attempts == 1);
  CHECK(build.outputs == object({{"digest", "sha256:abc"}, {"multi", "a\nb"}}));
  const JournalStep& deploy = state->steps.at("deploy");
  CHECK(deploy.outcome == "");
  CHECK(deploy.attempts == 2);
  CHECK(deploy.definition_hash == "hd");
  CHECK(deploy.outputs.is_object());
}

TEST_CASE("journal: an event is readable by a separate reader as soon as append returns", "[exec][state]") {
  ScratchDir dir;
  auto journal = Journal::open(dir.path());
  REQUIRE(journal.ok());
  for (int i = 1; i <= 3; ++i) {
    (*journal)->append(object({{"event", "tick"}, {"n", i}}));
    std::string text = slurp(dir / "journal.jsonl");  // journal still open
    REQUIRE(lines_of(text).size() == static_cast<size_t>(i));
    CHECK(text.back() == '\n');
    auto state = read_journal(dir / "journal.jsonl");
    REQUIRE(state.ok());
    CHECK(state->events == static_cast<size_t>(i));
  }
}

TEST_CASE("journal: the last event about a step wins, and a resume reopens the run", "[exec][state]") {
  ScratchDir dir;
  {
    auto journal = Journal::open(dir.path());
    REQUIRE(journal.ok());
    auto& j = **journal;
    j.append(object({{"event", "run_started"}, {"run_id", "r"}}));
    j.append(step_finished("a", "failure"));
    j.append(object({{"event", "run_finished"}, {"ok", false}}));
    j.append(object({{"event", "run_started"}, {"run_id", "r"}}));  // --resume
    j.append(object({{"event", "attempt_started"}, {"step", "a"}, {"attempt", 1}, {"definition_hash", "h2"}}));
  }
  auto state = read_journal(dir / "journal.jsonl");
  REQUIRE(state.ok());
  CHECK_FALSE(state->finished);
  CHECK(state->steps.at("a").outcome == "");
  CHECK(state->steps.at("a").definition_hash == "h2");
}

TEST_CASE("journal: a torn last line is ignored", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "journal.jsonl";
  spit(path,
       "{\"time\":\"2026-11-22T21:35:01.000Z\",\"event\":\"run_started\",\"run_id\":\"r\"}\n"
       "{\"time\":\"2026-11-22T21:35:02.000Z\",\"event\":\"step_finished\",\"step\":\"a\",\"outcome\":\"success\"}\n"
       "{\"time\":\"2026-11-22T21:35:03.000Z\",\"event\":\"step_fin");
  auto state = read_journal(path);
  REQUIRE(state.ok());
  CHECK(state->events == 2);
  CHECK(state->steps.at("a").outcome == "success");
}

TEST_CASE("journal: a complete last line that only lost its newline is read", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "journal.jsonl";
  spit(path, "{\"event\":\"run_started\",\"run_id\":\"r\"}\n{\"event\":\"run_finished\",\"ok\":true}");
  auto state = read_journal(path);
  REQUIRE(state.ok());
  CHECK(state->events == 2);
  CHECK(state->finished);
  CHECK(state->ok);
}

TEST_CASE("journal: an unparsable line before the last is an error naming its line", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "journal.jsonl";
  SECTION("in the middle") {
    spit(path, "{\"event\":\"run_started\",\"run_id\":\"r\"}\n{\"event\":\"ste\n{\"event\":\"run_finished\",\"ok\":true}\n");
  }
  SECTION("last, but with its newline") {
    spit(path, "{\"event\":\"run_started\",\"run_id\":\"r\"}\n{\"event\":\"ste\n");
  }
  SECTION("not an object") {
    spit(path, "{\"event\":\"run_started\",\"run_id\":\"r\"}\n[1,2]\n");
  }
  auto state = read_journal(path);
  REQUIRE_FALSE(state.ok());
  CAPTURE(state.error());
  CHECK(state.error().rfind(path + ":2: ", 0) == 0);
}

TEST_CASE("journal: parse_journal reads text as read_journal reads the file, naming it in errors",
          "[exec][state]") {
  const std::string text =
      "{\"event\":\"run_started\",\"run_id\":\"r\"}\n"
      "{\"event\":\"step_finished\",\"step\":\"a\",\"outcome\":\"success\",\"outputs\":{\"x\":\"1\"}}\n"
      "{\"event\":\"run_fin";
  auto state = parse_journal(text, "j.jsonl");
  REQUIRE(state.ok());
  CHECK(state->events == 2);
  CHECK(state->run_id == "r");
  CHECK(state->steps.at("a").outputs == Value(Value::Object{{"x", "1"}}));
  auto bad = parse_journal("[1]\n", "j.jsonl");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().rfind("j.jsonl:1: ", 0) == 0);
}

TEST_CASE("journal: an attempt count outside int's range reads as 0", "[exec][state]") {
  // Found by fuzz_journal: a cast of 8.9e20 to int was undefined behaviour.
  const std::string text =
      "{\"event\":\"attempt_started\",\"step\":\"a\",\"attempt\":8.88889e+20}\n"
      "{\"event\":\"step_finished\",\"step\":\"b\",\"outcome\":\"failure\",\"attempts\":-3}\n"
      "{\"event\":\"step_finished\",\"step\":\"c\",\"outcome\":\"failure\",\"attempts\":4}\n";
  auto state = parse_journal(text, "j.jsonl");
  REQUIRE(state.ok());
  CHECK(state->steps.at("a").attempts == 0);
  CHECK(state->steps.at("b").attempts == 0);
  CHECK(state->steps.at("c").attempts == 4);
}

TEST_CASE("journal: a missing journal is an error naming it", "[exec][state]") {
  ScratchDir dir;
  auto state = read_journal(dir / "nope/journal.jsonl");
  REQUIRE_FALSE(state.ok());
  CHECK_THAT(state.error(), Catch::Contains("nope/journal.jsonl"));
}

TEST_CASE("journal: reopening after a torn write appends cleanly", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "journal.jsonl";
  std::string first = "{\"event\":\"run_started\",\"run_id\":\"r\"}\n";
  SECTION("an unparsable fragment is dropped") {
    spit(path, first + "{\"time\":\"2026-11-22T21:35:03.000Z\",\"event\":\"step_fin");
    auto journal = Journal::open(dir.path());
    REQUIRE(journal.ok());
    (*journal)->append(object({{"event", "run_finished"}, {"ok", true}}));
    auto state = read_journal(path);
    REQUIRE(state.ok());
    CHECK(state->events == 2);
    CHECK(state->ok);
    CHECK(slurp(path).find("step_fin") == std::string::npos);
  }
  SECTION("a whole event that lost its newline is kept") {
    spit(path, first + "{\"event\":\"step_finished\",\"step\":\"a\",\"outcome\":\"success\"}");
    auto journal = Journal::open(dir.path());
    REQUIRE(journal.ok());
    (*journal)->append(object({{"event", "run_finished"}, {"ok", true}}));
    auto state = read_journal(path);
    REQUIRE(state.ok());
    CHECK(state->events == 3);
    CHECK(state->steps.at("a").outcome == "success");
  }
  SECTION("a fragment with no complete line before it") {
    spit(path, "{\"event\":\"run_sta");
    auto journal = Journal::open(dir.path());
    REQUIRE(journal.ok());
    (*journal)->append(object({{"event", "run_started"}, {"run_id", "r2"}}));
    auto state = read_journal(path);
    REQUIRE(state.ok());
    CHECK(state->events == 1);
    CHECK(state->run_id == "r2");
  }
}

TEST_CASE("journal: appends from 8 threads never interleave", "[exec][state]") {
  ScratchDir dir;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  {
    auto journal = Journal::open(dir.path());
    REQUIRE(journal.ok());
    Journal& j = **journal;
    std::string padding(300, 'x');  // long lines make a torn write likelier if locking were wrong
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&j, t, &padding] {
        for (int i = 0; i < kPerThread; ++i) {
          j.append(Value(Value::Object{{"event", "tick"}, {"thread", t}, {"i", i}, {"pad", padding}}));
        }
      });
    }
    for (auto& th : threads) th.join();
  }
  std::string path = dir / "journal.jsonl";
  auto lines = lines_of(slurp(path));
  REQUIRE(lines.size() == kThreads * kPerThread);
  std::set<std::pair<int, int>> seen;
  for (const auto& line : lines) {
    auto v = wf::core::parse_json(line);
    REQUIRE(v.ok());
    seen.emplace(static_cast<int>(v->find("thread")->as_number()), static_cast<int>(v->find("i")->as_number()));
  }
  CHECK(seen.size() == kThreads * kPerThread);
  auto state = read_journal(path);
  REQUIRE(state.ok());
  CHECK(state->events == kThreads * kPerThread);
}

TEST_CASE("journal: a writer killed with SIGKILL leaves a journal that reads and reopens", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "journal.jsonl";
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto journal = Journal::open(dir.path());
    if (!journal.ok()) ::_exit(1);
    std::string pad(256 * 1024, 'x');  // big lines: the kill likely lands inside a write
    for (int i = 0;; ++i) (*journal)->append(Value(Value::Object{{"event", "tick"}, {"i", i}, {"pad", pad}}));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto written = [&] {
    std::error_code ec;
    auto size = fs::file_size(path, ec);
    return ec ? 0 : size;
  };
  while (written() < 2 * 1024 * 1024 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);

  auto before = read_journal(path);
  REQUIRE(before.ok());
  CHECK(before->events >= 1);
  auto journal = Journal::open(dir.path());
  REQUIRE(journal.ok());
  (*journal)->append(object({{"event", "run_finished"}, {"ok", true}}));
  auto after = read_journal(path);
  REQUIRE(after.ok());
  CHECK(after->events == before->events + 1);
  CHECK(after->finished);
}

// ---- pruning old runs ------------------------------------------------------

namespace {
void write_keyed_run(const ScratchDir& dir, const std::string& id, const std::string& key, const std::string& resumed) {
  spit(dir / ("state/runs/" + id + "/journal.jsonl"),
       wf::core::to_json(object({{"event", "run_started"}, {"run_id", id}, {"file_key", key},
                             {"resumed_from", resumed.empty() ? Value() : Value(resumed)}})) + "\n");
  spit(dir / ("state/runs/" + id + "/logs/a.1.log"), std::string(2048, 'x'));
}
}  // namespace

TEST_CASE("prune_runs: keeps the newest N of one workflow and the runs they resume", "[exec][state]") {
  ScratchDir dir;
  const std::string state = dir / "state";
  write_keyed_run(dir, "20260101-000000000-aaaa", "/w/a.yaml", "");
  write_keyed_run(dir, "20260102-000000000-bbbb", "/w/a.yaml", "20260101-000000000-aaaa");
  write_keyed_run(dir, "20260103-000000000-cccc", "/w/a.yaml", "");
  write_keyed_run(dir, "20260104-000000000-dddd", "/w/a.yaml", "20260102-000000000-bbbb");
  write_keyed_run(dir, "20260105-000000000-eeee", "/w/other.yaml", "");

  // The newest resumes bbbb, which resumes aaaa: only cccc goes.
  Pruned p = prune_runs(state, "/w/a.yaml", 1);
  CHECK(p.removed == std::vector<std::string>{"20260103-000000000-cccc"});
  CHECK(p.bytes >= 2048);
  CHECK_FALSE(fs::exists(state + "/runs/20260103-000000000-cccc"));
  CHECK(fs::exists(state + "/runs/20260101-000000000-aaaa"));
  CHECK(fs::exists(state + "/runs/20260105-000000000-eeee"));  // another workflow's

  // A fresh newest run no longer needs the chain.
  write_keyed_run(dir, "20260106-000000000-ffff", "/w/a.yaml", "");
  p = prune_runs(state, "/w/a.yaml", 1);
  CHECK(p.removed == std::vector<std::string>{"20260101-000000000-aaaa", "20260102-000000000-bbbb",
                                              "20260104-000000000-dddd"});
  CHECK(fs::exists(state + "/runs/20260106-000000000-ffff"));
  CHECK(fs::exists(state + "/runs/20260105-000000000-eeee"));
  CHECK(prune_runs(state, "/w/a.yaml", 0).removed.empty());  // keep 0 means 1: the newest stays
}

// ---- finding a run to resume ---------------------------------------------

TEST_CASE("find_resumable_run: the newest run with a journal, whatever its state", "[exec][state]") {
  ScratchDir dir;
  std::string state_dir = dir / "state";
  CHECK_FALSE(find_resumable_run(state_dir).has_value());  // no runs directory

  write_run(dir, "20260101-000000-aaaa", false);  // failed
  write_run(dir, "20260102-000000-bbbb", std::nullopt);  // unfinished (killed)
  fs::create_directories(state_dir + "/runs/20260104-000000-dddd");  // no journal: never started
  CHECK(find_resumable_run(state_dir) == state_dir + "/runs/20260102-000000-bbbb");

  // A newer run succeeded: it is the one to continue (every step reused),
  // not the older failures.
  write_run(dir, "20260103-000000-cccc", true);
  CHECK(find_resumable_run(state_dir) == state_dir + "/runs/20260103-000000-cccc");

  SECTION("an explicit id is honoured, whatever its state") {
    CHECK(find_resumable_run(state_dir, "20260103-000000-cccc") == state_dir + "/runs/20260103-000000-cccc");
    CHECK_FALSE(find_resumable_run(state_dir, "20991231-000000-ffff").has_value());
    CHECK_FALSE(find_resumable_run(state_dir, "../runs").has_value());
  }
}

// ---- atomic writes -------------------------------------------------------

TEST_CASE("write_file_atomic: replaces the content and leaves no temporary file", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "report.json";
  auto first = write_file_atomic(path, "{\"v\":1}\n");
  REQUIRE(first.ok());
  CHECK(slurp(path) == "{\"v\":1}\n");
  auto second = write_file_atomic(path, "{\"v\":2}\n");
  REQUIRE(second.ok());
  CHECK(slurp(path) == "{\"v\":2}\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("write_file_atomic: a missing directory is an error naming the file", "[exec][state]") {
  ScratchDir dir;
  auto result = write_file_atomic(dir / "missing/report.json", "x");
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("missing/report.json"));
}

TEST_CASE("AtomicFile: pieces larger and smaller than its buffer arrive whole, in order, at commit", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "report.html";
  std::string expected;
  {
    AtomicFile file(path);
    for (int i = 0; i < 2000; ++i) {
      std::string piece = "{\"step\":" + std::to_string(i) + "},";
      file.write(piece);
      expected += piece;
      if (i % 500 == 0) {
        std::string big(100 * 1024 + i, static_cast<char>('a' + i % 26));  // larger than the buffer
        file.write(big);
        expected += big;
      }
    }
    CHECK_FALSE(fs::exists(path));  // nothing in place before the commit
    REQUIRE(file.commit().ok());
  }
  CHECK(slurp(path) == expected);
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("AtomicFile: dropped without a commit, it leaves the old file and no temporary file", "[exec][state]") {
  ScratchDir dir;
  std::string path = dir / "report.json";
  REQUIRE(write_file_atomic(path, "old\n").ok());
  {
    AtomicFile file(path);
    file.write("new, never committed");
  }
  CHECK(slurp(path) == "old\n");
  size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
}

TEST_CASE("AtomicFile: a missing directory is an error at commit naming the file", "[exec][state]") {
  ScratchDir dir;
  AtomicFile file(dir / "missing/report.html");
  file.write("x");
  auto result = file.commit();
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error(), Catch::Contains("missing/report.html"));
}

// ---- the state lock ------------------------------------------------------

TEST_CASE("state lock: a second run fails at once, naming the holder", "[exec][state]") {
  ScratchDir dir;
  std::string state_dir = dir / ".wf";
  auto first = StateLock::acquire(state_dir, "20261122-213501-4f2a", false);
  REQUIRE(first.ok());
  CHECK(fs::is_directory(state_dir));

  auto second = StateLock::acquire(state_dir, "20261122-213600-0001", false);
  REQUIRE_FALSE(second.ok());
  CAPTURE(second.error());
  CHECK_THAT(second.error(), Catch::StartsWith("another wf run holds the lock on " + state_dir + " (run 20261122-213501-4f2a, pid " +
                                               std::to_string(::getpid()) + ", started "));
  CHECK_THAT(second.error(), Catch::Contains("--wait-lock"));

  first->reset();
  auto third = StateLock::acquire(state_dir, "20261122-213600-0001", false);
  CHECK(third.ok());
}

TEST_CASE("state lock: a waiting run gets the lock when the holder lets go", "[exec][state]") {
  ScratchDir dir;
  std::string state_dir = dir / ".wf";
  auto first = StateLock::acquire(state_dir, "run-one", false);
  REQUIRE(first.ok());

  std::atomic<bool> acquired{false};
  std::string error;
  std::thread waiter([&] {
    auto second = StateLock::acquire(state_dir, "run-two", true);
    if (!second.ok()) error = second.error();
    acquired = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(acquired.load());
  first->reset();
  waiter.join();
  CHECK(acquired.load());
  CHECK(error.empty());
}

TEST_CASE("state lock: a holder killed with SIGKILL leaves the lock free", "[exec][state]") {
  ScratchDir dir;
  std::string state_dir = dir / ".wf";
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready[0]);
    auto lock = StateLock::acquire(state_dir, "child-run", false);
    char c = lock.ok() ? '1' : '0';
    (void)!::write(ready[1], &c, 1);
    for (;;) ::pause();
  }
  ::close(ready[1]);
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
  } reaper{child};

  pollfd pfd{ready[0], POLLIN, 0};
  REQUIRE(::poll(&pfd, 1, 10000) == 1);
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  ::close(ready[0]);
  REQUIRE(c == '1');

  auto blocked = StateLock::acquire(state_dir, "parent-run", false);
  REQUIRE_FALSE(blocked.ok());
  CHECK_THAT(blocked.error(), Catch::Contains("run child-run, pid " + std::to_string(child)));

  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  reaper.pid = 0;
  CHECK(WIFSIGNALED(status));

  auto after = StateLock::acquire(state_dir, "parent-run", false);
  CHECK(after.ok());
}
