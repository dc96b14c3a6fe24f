// A full disk (issue 18, docs/reliability.md): .wf/ on a 128 KiB tmpfs that a
// step's log fills. The run fails cleanly — exit 1, messages that say the
// disk is full — its journal stays readable, and once there is room again
// --resume finishes without running a recorded step again. Needs root (it
// mounts a tmpfs), as CI and scripts/test.sh run.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "runner/exec/state.h"
#include "tests/support/command.h"

namespace {

using namespace wf::test;

// A tmpfs of `size` on `dir`, unmounted at the end of the scope.
class Tmpfs {
 public:
  Tmpfs(std::string dir, const std::string& size) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    auto r = run_command({"mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir_});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);  // needs root: run the tests as root (scripts/test.sh does)
  }
  ~Tmpfs() { run_command({"umount", "-l", dir_}); }
  void resize(const std::string& size) {
    REQUIRE(run_command({"mount", "-o", "remount,size=" + size, dir_}).exit_code == 0);
  }

 private:
  std::string dir_;
};

std::string workflow() {
  std::string w =
      "name: full\n"
      "steps:\n"
      "  a:\n"
      "    run: |\n"
      "      echo run >> \"$COUNTS/a\"\n"
      "      echo \"x=1\" >> \"$WF_OUTPUT\"\n"
      "  big:\n"
      "    needs: [a]\n"
      "    run: head -c 450000 /dev/zero | base64\n";
  for (int i = 1; i <= 30; ++i)
    w += "  s" + std::to_string(i) + ":\n    needs: [big]\n    run: echo run >> \"$COUNTS/s" + std::to_string(i) +
         "\"\n";
  return w;
}

}  // namespace

TEST_CASE("full disk: the run stops with a message, its journal reads, and a resume finishes it",
          "[e2e][reliability]") {
  REQUIRE(::geteuid() == 0);  // mounting a tmpfs needs root: run the tests as root (scripts/test.sh does)
  TempDir dir;
  dir.write("wf.yaml", workflow());
  std::string counts = dir.path() + "/counts";
  std::filesystem::create_directories(counts);
  std::string state = dir.path() + "/state";
  Tmpfs fs(state, "128k");
  std::map<std::string, std::string> env{{"COUNTS", counts}};

  auto r = run_wf_local({"run", "wf.yaml", "--state-dir", state, "-j", "2"}, dir.path(), env);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out + r.err, Catch::Contains("No space left on device"));
  CHECK_THAT(r.out, Catch::Contains("wf: cannot write the step's log"));  // once, then only the console
  auto runs = run_dirs(state);
  REQUIRE(runs.size() == 1);
  auto journal = wf::exec::read_journal(runs[0] + "/journal.jsonl");
  REQUIRE(journal.ok());
  CHECK(journal->steps.at("a").outcome == "success");

  fs.resize("16m");
  auto resumed = run_wf_local({"run", "wf.yaml", "--state-dir", state, "--resume", "-j", "2"}, dir.path(), env);
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(split_lines(read_file(counts + "/a")).size() == 1);  // recorded as succeeded: not run again
  for (int i = 1; i <= 30; ++i) CHECK(split_lines(read_file(counts + "/s" + std::to_string(i))).size() >= 1);
}
