// wf step FILE ID: one step alone, as an Argo task runs it — outputs to
// files, the exit code by failure class, skipped steps, needs' outcomes and
// outputs from flags, one attempt only, the step's timeout. Real bash.

#include <catch2/catch.hpp>
#include <filesystem>
#include <tuple>

#include "tests/support/command.h"

namespace {

using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

const char* kFlow = R"yaml(name: steps
inputs:
  who: { default: world }
  loud: { type: boolean, default: false }
secrets:
  token: { env: STEP_TEST_TOKEN }
steps:
  make:
    run: |
      echo "greeting=hello ${{ inputs.who }}" >> "$WF_OUTPUT"
      echo "made it"
  use:
    needs: [make]
    run: |
      echo "got: ${{ steps.make.outputs.greeting }}"
      echo "echo=${{ steps.make.outputs.greeting }}!" >> "$WF_OUTPUT"
  transient:
    retry: { limit: 3, backoff: { delay: 10ms } }
    run: |
      echo attempt >> attempts.txt
      echo "::wf-failure-class::transient"
      exit 1
  rate:
    run: |
      echo "::wf-failure-class::rate-limited"
      exit 1
  locked:
    run: |
      echo "::wf-failure-class::lock"
      exit 1
  broken:
    run: |
      echo "::wf-failure-class::permanent"
      exit 3
  plain:
    run: exit 3
  slow:
    timeout: 1s
    run: sleep 20
  when-loud:
    if: ${{ inputs.loud }}
    run: echo loud
  after-failure:
    needs: [broken]
    if: ${{ failure() }}
    run: echo "broken ended ${{ steps.broken.outcome }}"
  tolerated:
    continue-on-error: true
    retry: { limit: 2, when: [transient], backoff: { delay: 10ms } }
    run: |
      echo "::wf-failure-class::${{ inputs.who }}"
      exit 1
  reader:
    needs: [tolerated]
    if: ${{ always() }}
    run: echo "tolerated ended ${{ steps.tolerated.outcome }} ${{ steps.tolerated.conclusion }}"
  secretive:
    run: |
      echo "the token is $STEP_TEST_TOKEN"
      echo "token=$STEP_TEST_TOKEN" >> "$WF_OUTPUT"
)yaml";

struct Step {
  CommandResult r;
  std::string out_dir;
  std::string file(const std::string& name) const { return read_file(out_dir + "/" + name); }
};

Step wf_step(const TempDir& dir, std::vector<std::string> extra, const std::string& id) {
  Step s;
  s.out_dir = dir.path() + "/out-" + id;
  std::vector<std::string> args{"step", "wf.yaml", id, "--outputs-dir", s.out_dir};
  args.insert(args.end(), extra.begin(), extra.end());
  s.r = run_wf(args, dir.path(), {{"STEP_TEST_TOKEN", "s3cr3t-t0ken-value"}}, 60);
  return s;
}

}  // namespace

TEST_CASE("step: outputs are written one file per output, with wf-outcome", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto s = wf_step(dir, {"-i", "who=argo"}, "make");
  INFO(s.r.out << s.r.err);
  REQUIRE(s.r.exit_code == 0);
  CHECK(s.file("greeting") == "hello argo");
  CHECK(s.file("wf-outcome") == "success");
  CHECK_THAT(s.r.out, Contains("made it"));
}

TEST_CASE("step: --need gives a need's output to the step's expressions", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto s = wf_step(dir, {"--need", "make.greeting=hi=there", "--need-outcome", "make=Succeeded"}, "use");
  INFO(s.r.out << s.r.err);
  REQUIRE(s.r.exit_code == 0);
  CHECK_THAT(s.r.out, Contains("got: hi=there"));
  CHECK(s.file("echo") == "hi=there!");
}

TEST_CASE("step: --needs-json gives needs as one file, flags override it", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  dir.write("needs.json", R"({"make": {"outcome": "success", "outputs": {"greeting": "from json"}}})");
  auto s = wf_step(dir, {"--needs-json", dir.path() + "/needs.json"}, "use");
  INFO(s.r.out << s.r.err);
  REQUIRE(s.r.exit_code == 0);
  CHECK(s.file("echo") == "from json!");
  auto t = wf_step(dir, {"--needs-json", dir.path() + "/needs.json", "--need", "make.greeting=flag"}, "use");
  CHECK(t.file("echo") == "flag!");
}

TEST_CASE("step: a need that did not succeed skips the step (exit 0, wf-outcome skipped)", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  for (const char* outcome : {"failure", "skipped", "Failed", "Omitted", "Skipped"}) {
    auto s = wf_step(dir, {"--need-outcome", std::string("make=") + outcome}, "use");
    INFO(outcome << "\n" << s.r.out << s.r.err);
    CHECK(s.r.exit_code == 0);
    CHECK(s.file("wf-outcome") == "skipped");
    CHECK_THAT(s.r.out, !Contains("got:"));
  }
}

TEST_CASE("step: a false if: skips the step, a true one runs it", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto quiet = wf_step(dir, {}, "when-loud");
  CHECK(quiet.r.exit_code == 0);
  CHECK(quiet.file("wf-outcome") == "skipped");
  auto loud = wf_step(dir, {"-i", "loud=true"}, "when-loud");
  CHECK(loud.r.exit_code == 0);
  CHECK(loud.file("wf-outcome") == "success");
  CHECK_THAT(loud.r.out, Contains("loud"));
}

TEST_CASE("step: failure() sees a failed need", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto ok = wf_step(dir, {"--need-outcome", "broken=success"}, "after-failure");
  CHECK(ok.file("wf-outcome") == "skipped");
  auto failed = wf_step(dir, {"--need-outcome", "broken=failure"}, "after-failure");
  INFO(failed.r.out << failed.r.err);
  CHECK(failed.r.exit_code == 0);
  CHECK(failed.file("wf-outcome") == "success");
  CHECK_THAT(failed.r.out, Contains("broken ended failure"));
}

TEST_CASE("step: the exit code says the failure class", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  std::vector<std::pair<std::string, int>> cases{{"broken", 1}, {"plain", 75}, {"transient", 75}, {"rate", 76}, {"locked", 77}};
  for (const auto& [id, code] : cases) {
    auto s = wf_step(dir, {}, id);
    INFO(id << "\n" << s.r.out << s.r.err);
    CHECK(s.r.exit_code == code);
    CHECK(s.file("wf-outcome") == "failure");
  }
}

TEST_CASE("step: one attempt only, whatever retry: says", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto s = wf_step(dir, {}, "transient");
  CHECK(s.r.exit_code == 75);
  CHECK(read_file(dir.path() + "/attempts.txt") == "attempt\n");
}

TEST_CASE("step: continue-on-error exits 0 on its last failure only, wf-outcome failure", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  // Retried classes exit by class while retries are left (--retries = Argo's {{retries}}).
  std::vector<std::tuple<std::string, std::string, int>> cases{
      {"transient", "0", 75}, {"transient", "1", 75}, {"transient", "2", 0}, {"permanent", "0", 0}, {"lock", "1", 0}};
  for (const auto& [cls, retries, code] : cases) {
    auto s = wf_step(dir, {"-i", "who=" + cls, "--retries", retries}, "tolerated");
    INFO(cls << " retries " << retries << "\n" << s.r.out << s.r.err);
    CHECK(s.r.exit_code == code);
    CHECK(s.file("wf-outcome") == "failure");
  }
  auto first = wf_step(dir, {"-i", "who=transient"}, "tolerated");
  CHECK(first.r.exit_code == 75);
}

TEST_CASE("step: --need-outcome PHASE/OUTCOME takes the reported outcome of a task that Succeeded", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  std::vector<std::pair<std::string, std::string>> cases{{"Succeeded/failure", "failure success"},
                                                         {"Succeeded/success", "success success"},
                                                         {"Succeeded/", "success success"},
                                                         {"Skipped/", "skipped skipped"},
                                                         {"Failed/", "failure success"}};
  for (const auto& [value, said] : cases) {
    auto s = wf_step(dir, {"--need-outcome", "tolerated=" + value}, "reader");
    INFO(value << "\n" << s.r.out << s.r.err);
    CHECK(s.r.exit_code == 0);
    CHECK_THAT(s.r.out, Contains("tolerated ended " + said));
  }
  auto bad = wf_step(dir, {"--need-outcome", "tolerated=Succeeded/a/b"}, "reader");
  CHECK(bad.r.exit_code == 2);
}

TEST_CASE("step: the step's timeout stops it and exits 124", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto start = std::chrono::steady_clock::now();
  auto s = wf_step(dir, {}, "slow");
  INFO(s.r.out << s.r.err);
  CHECK(s.r.exit_code == 124);
  CHECK(seconds_since(start) < 15);
  CHECK(s.file("wf-outcome") == "failure");
}

TEST_CASE("step: secrets are masked in the log and in output files", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  auto s = wf_step(dir, {}, "secretive");
  REQUIRE(s.r.exit_code == 0);
  CHECK_THAT(s.r.out + s.r.err, !Contains("s3cr3t-t0ken-value"));
  CHECK_THAT(s.r.out, Contains("the token is ***"));
  CHECK(s.file("token") == "***");
}

TEST_CASE("step: usage errors exit 2 and write nothing", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", kFlow);
  CHECK(wf_step(dir, {}, "nope").r.exit_code == 2);
  CHECK_THAT(wf_step(dir, {}, "mak").r.err, Contains("did you mean 'make'"));
  CHECK(wf_step(dir, {"--need", "nodot=1"}, "use").r.exit_code == 2);
  CHECK(wf_step(dir, {"--need-outcome", "make=great"}, "use").r.exit_code == 2);
  CHECK(wf_step(dir, {"--need-outcome", "ghost=success"}, "use").r.exit_code == 2);
  CHECK(wf_step(dir, {"-i", "loud=maybe"}, "when-loud").r.exit_code == 2);
  CHECK_FALSE(fs::exists(dir.path() + "/out-use"));
}

TEST_CASE("step: --run-id names the run directory and wf.run_id", "[e2e][step]") {
  TempDir dir;
  dir.write("wf.yaml", std::string(kFlow) + "  id:\n    run: echo \"id=${{ wf.run_id }}\" >> \"$WF_OUTPUT\"\n");
  auto s = wf_step(dir, {"--run-id", "argo-uid-1234", "--state-dir", dir.path() + "/state"}, "id");
  INFO(s.r.out << s.r.err);
  REQUIRE(s.r.exit_code == 0);
  CHECK(s.file("id") == "argo-uid-1234");
  CHECK(fs::exists(dir.path() + "/state/runs/argo-uid-1234/journal.jsonl"));
}
