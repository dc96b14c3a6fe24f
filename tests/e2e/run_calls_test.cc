// Workflow steps (`uses: ./other.yaml`) through the real wf binary: the
// called file's steps run inside the run as CALL/ID with its inputs, env,
// secrets and directory; its outputs are the step's; a failure, a resume,
// an `if:` on the call, nesting; validation errors at FILE:LINE:COL; and
// graph, plan and `wf step` of a called file's step.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;

constexpr const char* kMain = R"yaml(name: network
inputs:
  env: { default: dev }
secrets:
  TOKEN: { env: CALLS_TEST_TOKEN }
steps:
  prepare:
    run: echo "version=1.2.3" >> "$WF_OUTPUT"
  deploy:
    uses: ./lib/cluster.yaml
    needs: prepare
    with:
      cluster: eu-${{ inputs.env }}
      version: ${{ steps.prepare.outputs.version }}
      replicas: 3
      canary: "true"
    secrets:
      token: bearer-${{ secrets.TOKEN }}
  report:
    needs: deploy
    run: echo "${{ steps.deploy.outputs.url }} ${{ steps.deploy.outcome }}" > report.txt
outputs:
  url: ${{ steps.deploy.outputs.url }}
)yaml";

constexpr const char* kCluster = R"yaml(name: cluster
inputs:
  cluster: { required: true }
  version: {}
  replicas: { type: number, default: 1 }
  canary: { type: boolean, default: false }
  region: { default: us }
secrets:
  token: { env: UNUSED }
env:
  CLUSTER: ${{ inputs.cluster }}
steps:
  render:
    run: |
      echo "$CLUSTER ${{ inputs.version }} ${{ inputs.replicas }} ${{ inputs.canary }} ${{ inputs.region }}" > rendered.txt
      echo "manifest=$CLUSTER.yaml" >> "$WF_OUTPUT"
  apply:
    needs: render
    env:
      TOKEN: ${{ secrets.token }}
    run: |
      echo "token: $TOKEN"
      printf '%s' "$TOKEN" > token.txt
      echo "${{ steps.render.outputs.manifest }}" > applied.txt
outputs:
  url: https://${{ inputs.cluster }}.test/${{ steps.render.outputs.manifest }}
)yaml";

bool ran(const WfRun& w, const std::string& id) {
  for (const auto& e : w.journal)
    if (e.value("event", "") == "attempt_started" && e.value("step", "") == id) return true;
  return false;
}

}  // namespace

TEST_CASE("wf run: a workflow step runs the called file's steps with its inputs, secrets and outputs", "[e2e][calls]") {
  TempDir dir;
  dir.write("wf.yaml", kMain);
  dir.write("lib/cluster.yaml", kCluster);
  auto w = wf_run(dir, {"run", "wf.yaml"}, {{"CALLS_TEST_TOKEN", "s3cr3t-value"}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  // The called file's steps run in its own directory, with its inputs typed
  // and defaulted and its env: resolved against them.
  CHECK(read_file(dir.path() + "/lib/rendered.txt") == "eu-dev 1.2.3 3 true us\n");
  CHECK(read_file(dir.path() + "/lib/applied.txt") == "eu-dev.yaml\n");
  // The secret passed, made of the caller's secret, reaches the step and is masked.
  CHECK(read_file(dir.path() + "/lib/token.txt") == "bearer-s3cr3t-value");
  CHECK_THAT(w.all(), Contains("token: ***"));
  CHECK_THAT(w.all(), !Contains("s3cr3t-value"));
  CHECK(read_file(dir.path() + "/report.txt") == "https://eu-dev.test/eu-dev.yaml success\n");
  CHECK(w.report["outputs"]["url"] == "https://eu-dev.test/eu-dev.yaml");
  json deploy = step_of(w.report, "deploy");
  REQUIRE(deploy.is_object());
  CHECK(deploy["outcome"] == "success");
  CHECK(deploy["outputs"]["url"] == "https://eu-dev.test/eu-dev.yaml");
  CHECK(step_of(w.report, "deploy/render")["outcome"] == "success");
  CHECK(ran(w, "deploy/apply"));
  std::string log = step_of(w.report, "deploy/apply")["attempts"][0]["log"];
  CHECK_THAT(log, Contains("deploy.apply.1.log"));
  CHECK_THAT(read_file(log), Contains("token: ***"));
  auto logs = run_wf({"logs", "deploy/apply"}, dir.path());
  INFO(logs.out + logs.err);
  CHECK(logs.exit_code == 0);
  CHECK_THAT(logs.out, Contains("token: ***"));
}

TEST_CASE("wf run: a failed step of a called file fails the call, and --resume runs again only what failed", "[e2e][calls]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(steps:
  deploy:
    uses: ./part.yaml
    with: { n: 2 }
  after:
    needs: deploy
    run: echo "${{ steps.deploy.outputs.r }}" > after.txt
)yaml");
  dir.write("part.yaml", R"yaml(inputs:
  n: { type: number, required: true }
steps:
  a:
    run: echo "a${{ inputs.n }}" >> ran.txt
  b:
    needs: a
    run: |
      echo "b${{ inputs.n }}" >> ran.txt
      [ -f fixed ]
      echo "r=b-ok" >> "$WF_OUTPUT"
outputs:
  r: ${{ steps.b.outputs.r }}
)yaml");
  auto first = wf_run(dir, {"run", "wf.yaml"});
  INFO(first.all());
  REQUIRE(first.r.exit_code == 1);
  CHECK(step_of(first.report, "deploy")["outcome"] == "failure");
  CHECK_THAT(step_of(first.report, "deploy")["reason"].get<std::string>(), Contains("deploy/b"));
  CHECK(step_of(first.report, "after")["outcome"] == "skipped");
  CHECK(read_file(dir.path() + "/ran.txt") == "a2\nb2\n");

  dir.write("fixed", "");
  auto second = wf_run(dir, {"run", "wf.yaml", "--resume"});
  INFO(second.all());
  REQUIRE(second.r.exit_code == 0);
  CHECK(read_file(dir.path() + "/ran.txt") == "a2\nb2\nb2\n");  // a was reused
  CHECK(step_of(second.report, "deploy/a")["reused"] == true);
  CHECK(read_file(dir.path() + "/after.txt") == "b-ok\n");
}

TEST_CASE("wf run: if: on a workflow step decides for every step of the called file, and calls nest", "[e2e][calls]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(inputs:
  go: { type: boolean, default: false }
steps:
  maybe:
    uses: ./outer.yaml
    if: inputs.go
    with: { word: maybe }
  always:
    uses: ./outer.yaml
    with: { word: always }
  show:
    needs: [maybe, always]
    if: always()
    run: echo "${{ steps.always.outputs.said }}|${{ steps.maybe.outcome }}" > show.txt
)yaml");
  dir.write("outer.yaml", R"yaml(inputs:
  word: { required: true }
steps:
  inner:
    uses: ./inner.yaml
    with: { text: "${{ inputs.word }}!" }
outputs:
  said: ${{ steps.inner.outputs.said }}
)yaml");
  dir.write("inner.yaml", R"yaml(inputs:
  text: {}
steps:
  say:
    run: |
      echo "${{ inputs.text }}" >> said.txt
      echo "said=${{ inputs.text }}" >> "$WF_OUTPUT"
  later:
    needs: say
    if: always()
    run: echo "later ${{ inputs.text }}" >> said.txt
outputs:
  said: ${{ steps.say.outputs.said }}
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  // Not one step of the call whose if: is false ran, not even an always() one.
  CHECK(read_file(dir.path() + "/said.txt") == "always!\nlater always!\n");
  CHECK(step_of(w.report, "maybe")["outcome"] == "skipped");
  CHECK(step_of(w.report, "maybe/inner/later")["outcome"] == "skipped");
  CHECK(step_of(w.report, "always/inner/say")["outcome"] == "success");
  CHECK(step_of(w.report, "always/inner")["outputs"]["said"] == "always!");
  CHECK(read_file(dir.path() + "/show.txt") == "always!|skipped\n");
}

TEST_CASE("wf validate: workflow step errors at FILE:LINE:COL, the called file's at its own", "[e2e][calls]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(steps:
  one:
    uses: ./part.yaml
    with: { n: lots, m: 1 }
    timeout: 5m
  two:
    uses: ./secretive.yaml
  three:
    uses: ./missing.yaml
  four:
    uses: ./loop-a.yaml
  five:
    run: echo
    secrets: { a: b }
)yaml");
  dir.write("part.yaml", "inputs:\n  n: { type: number }\n  k: { required: true }\nsteps:\n  a:\n    run: echo\n");
  dir.write("secretive.yaml", "secrets:\n  tok: { env: T }\nsteps:\n  a:\n    run: echo\n    needs: [zz]\n");
  dir.write("loop-a.yaml", "steps:\n  b:\n    uses: ./loop-b.yaml\n");
  dir.write("loop-b.yaml", "steps:\n  a:\n    uses: ./loop-a.yaml\n");
  auto r = run_wf({"validate", "wf.yaml"}, dir.path());
  INFO(r.out + r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("wf.yaml:4:16: input 'n' of ./part.yaml (number) must be a number, got 'lots'"));
  CHECK_THAT(r.err, Contains("wf.yaml:4:25: step 'one' passes 'm', which ./part.yaml does not declare as an input"));
  CHECK_THAT(r.err, Contains("wf.yaml:3:11: step 'one' does not give input 'k', which ./part.yaml requires"));
  CHECK_THAT(r.err, Contains("wf.yaml:5:5: 'timeout' does not apply to a workflow step"));
  CHECK_THAT(r.err, Contains("secretive.yaml:6:13: step 'a' needs unknown step 'zz'"));
  CHECK_THAT(r.err, Contains("wf.yaml:9:11: step 'three' calls './missing.yaml', which is not a file"));
  CHECK_THAT(r.err, Contains("loop-b.yaml:3:11: step 'a' calls './loop-a.yaml': a cycle of workflow files "
                             "(loop-a.yaml -> loop-b.yaml -> loop-a.yaml)"));
  CHECK_THAT(r.err, Contains("wf.yaml:14:5: 'secrets' only applies to a workflow step"));

  dir.write("ok.yaml", "steps:\n  two:\n    uses: ./secretive-ok.yaml\n");
  dir.write("secretive-ok.yaml", "secrets:\n  tok: { env: T }\nsteps:\n  a:\n    run: echo\n");
  auto missing = run_wf({"validate", "ok.yaml"}, dir.path());
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Contains("ok.yaml:3:11: step 'two' does not pass secret 'tok', which ./secretive-ok.yaml "
                                   "requires"));
}

TEST_CASE("wf graph, plan and step: a workflow step and its file's steps", "[e2e][calls]") {
  TempDir dir;
  dir.write("wf.yaml", kMain);
  dir.write("lib/cluster.yaml", kCluster);
  auto graph = run_wf({"graph", "wf.yaml", "--format", "mermaid"}, dir.path());
  INFO(graph.out + graph.err);
  REQUIRE(graph.exit_code == 0);
  CHECK_THAT(graph.out, Contains("deploy/render"));
  CHECK_THAT(graph.out, Contains("./lib/cluster.yaml"));
  auto plan = run_wf({"plan", "wf.yaml"}, dir.path(), {{"CALLS_TEST_TOKEN", "x"}});
  INFO(plan.out + plan.err);
  REQUIRE(plan.exit_code == 2);  // changes (terraform plan's -detailed-exitcode)
  CHECK_THAT(plan.out, Contains("+ deploy/apply (run)  needs: deploy/render"));
  // The called file's inputs as the calling step gives them.
  CHECK_THAT(plan.out, Contains("${{ inputs.replicas }} = 3"));
  CHECK_THAT(plan.out, Contains("${{ inputs.version }} = (known after prepare)"));
  // An Argo task runs one step of the called file: its inputs come from the
  // calling step's with:, evaluated against the needs given.
  auto step = run_wf({"step", "wf.yaml", "deploy/render", "--need", "prepare.version=9.9", "-i", "env=prod"},
                     dir.path(), {{"CALLS_TEST_TOKEN", "x"}});
  INFO(step.out + step.err);
  REQUIRE(step.exit_code == 0);
  CHECK(read_file(dir.path() + "/lib/rendered.txt") == "eu-prod 9.9 3 true us\n");
}
