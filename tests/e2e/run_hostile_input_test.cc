// Input that used to crash or exhaust wf (issue 10, "Crashes and hangs"):
// deeply nested JSON from a step or a file, endless or huge workflow files.

#include <catch2/catch.hpp>

#include <string>

#include "tests/e2e/run_support.h"

using namespace wf::test;
using Catch::Matchers::Contains;

namespace {

std::string nested(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("run: a step output of 100000 nested brackets read with fromJSON fails that step and not wf",
          "[e2e][run][hostile]") {
  TempDir dir;
  dir.write("deep.txt", nested(100000));
  dir.write("wf.yaml", R"yaml(name: deep
steps:
  emit:
    run: echo "deep=$(cat deep.txt)" >> "$WF_OUTPUT"
  read:
    needs: [emit]
    run: echo "${{ fromJSON(steps.emit.outputs.deep)[0] }}"
  after:
    needs: [read]
    if: always()
    run: echo still-here
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_of(w.report, "emit")["outcome"] == "success");
  CHECK(step_of(w.report, "read")["outcome"] == "failure");
  CHECK_THAT(w.all(), Contains("nested deeper than 512 levels"));
  CHECK(step_of(w.report, "after")["outcome"] == "success");
}

TEST_CASE("eval: a --context file nested 100000 deep is exit 2 with a message", "[e2e][eval][hostile]") {
  TempDir dir;
  dir.write("ctx.json", "{\"a\": " + nested(100000) + "}");
  auto r = run_wf({"eval", "--context", dir.path() + "/ctx.json", "toJSON(1)"});
  INFO(r.out + r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("nested deeper than 512 levels"));
  auto ok = run_wf({"eval", "--context", dir.write("ok.json", "{\"a\": " + nested(100) + "}"), "toJSON(a)"});
  CHECK(ok.exit_code == 0);
}

TEST_CASE("validate: /dev/zero and a 9 MiB file are refused at once with exit 2", "[e2e][validate][hostile]") {
  auto zero = run_wf({"validate", "/dev/zero"});
  INFO(zero.out + zero.err);
  CHECK(zero.exit_code == 2);
  CHECK_THAT(zero.err, Contains("not a regular file"));
  TempDir dir;
  std::string big = "name: big\nsteps:\n  a:\n    run: true\n# " + std::string(9u << 20, 'x') + "\n";
  auto r = run_wf({"validate", dir.write("big.yaml", big)});
  INFO(r.out + r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("larger than 8 MiB"));
}
