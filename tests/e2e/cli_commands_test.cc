// graph, plan, steps, eval and --help, run through the real wf binary.

#include <catch2/catch.hpp>

#include "tests/support/command.h"

using wf::test::run_command;
using wf::test::run_wf;
using wf::test::TempDir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

constexpr const char* kDeploy = R"(name: deploy
inputs:
  cluster: { default: sample }
  smoke: { type: boolean, default: true }
secrets:
  token: { env: DEPLOY_TOKEN }
steps:
  render:
    run: echo "manifest=out.yaml" >> "$WF_OUTPUT"
  infra:
    run: echo "creating ${{ inputs.cluster }} with ${{ secrets.token }}"
  apply:
    needs: [render, infra]
    env:
      MANIFEST: ${{ steps.render.outputs.manifest }}
      CLUSTER: c-${{ inputs.cluster }}
    run: echo apply
  smoke:
    needs: [apply]
    if: ${{ inputs.smoke }}
    run: echo smoke
)";

}  // namespace

TEST_CASE("graph: DOT has every step and need edge and renders with Graphviz", "[e2e][graph]") {
  TempDir dir;
  std::string file = dir.write("deploy.yaml", kDeploy);
  auto r = run_wf({"graph", file});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("digraph \"deploy\" {"));
  CHECK_THAT(r.out, Contains("\"render\" -> \"apply\";"));
  CHECK_THAT(r.out, Contains("\"infra\" -> \"apply\";"));
  CHECK_THAT(r.out, Contains("\"apply\" -> \"smoke\";"));
  CHECK_THAT(r.out, Contains("\"smoke\" [label=\"smoke\\nrun\", style=\"rounded,dashed\"]"));
  std::string dot = dir.write("deploy.dot", r.out);
  auto rendered = run_command({"dot", "-Tsvg", dot, "-o", dir.path() + "/deploy.svg"});
  INFO("Graphviz's dot is needed: apt-get install graphviz (scripts/install-deps.sh does)");
  CHECK(rendered.exit_code == 0);
  CHECK_THAT(wf::test::read_file(dir.path() + "/deploy.svg"), Contains("<svg"));
}

TEST_CASE("graph: mermaid flowchart", "[e2e][graph]") {
  TempDir dir;
  auto r = run_wf({"graph", dir.write("deploy.yaml", kDeploy), "--format", "mermaid"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, StartsWith("flowchart TD\n"));
  CHECK_THAT(r.out, Contains("n0 --> n2"));
  CHECK_THAT(r.out, Contains("n2 --> n3"));
  auto bad = run_wf({"graph", dir.path() + "/deploy.yaml", "--format", "png"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("plan: waves, resolved values, secrets masked, later outputs marked", "[e2e][plan]") {
  TempDir dir;
  std::string file = dir.write("deploy.yaml", kDeploy);
  auto r = run_wf({"plan", file, "-i", "cluster=prod-1"}, "", {{"DEPLOY_TOKEN", "s3cr3t-value"}});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);  // steps would run: "changes", as terraform plan -detailed-exitcode
  CHECK_THAT(r.out, Contains("4 steps in 3 waves"));
  CHECK_THAT(r.out, Contains("wave 1\n  + render (run)"));
  CHECK_THAT(r.out, Contains("wave 2\n  + apply (run)  needs: render, infra"));
  CHECK_THAT(r.out, Contains("MANIFEST: (known after render)"));
  CHECK_THAT(r.out, Contains("CLUSTER: c-prod-1"));
  CHECK_THAT(r.out, Contains("${{ secrets.token }} = ***"));
  CHECK_THAT(r.out, Contains("if: inputs.smoke  -> true: runs"));
  CHECK(r.out.find("s3cr3t-value") == std::string::npos);
}

TEST_CASE("plan: a false condition is shown as skipped", "[e2e][plan]") {
  TempDir dir;
  auto r = run_wf({"plan", dir.write("deploy.yaml", kDeploy), "-i", "smoke=false"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("-> false: skipped"));
}

TEST_CASE("plan: bad inputs are usage errors (exit 2, as in every command) with a suggestion", "[e2e][plan]") {
  TempDir dir;
  std::string file = dir.write("deploy.yaml", kDeploy);
  auto unknown = run_wf({"plan", file, "-i", "clustr=x"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("unknown input 'clustr'; did you mean 'cluster'?"));
  auto typed = run_wf({"plan", file, "-i", "smoke=yes"});
  CHECK(typed.exit_code == 2);
  CHECK_THAT(typed.err, Contains("input 'smoke' is a boolean: 'yes' is not true or false"));
  auto shape = run_wf({"plan", file, "-i", "cluster"});
  CHECK(shape.exit_code == 2);
  CHECK_THAT(shape.err, Contains("-i takes NAME=VALUE"));
}

TEST_CASE("plan: when every step is sure to be skipped there are no changes (exit 0)", "[e2e][plan]") {
  TempDir dir;
  std::string file = dir.write("skip.yaml", R"yaml(name: skip
inputs:
  go: { type: boolean, default: false }
steps:
  first:
    if: inputs.go
    run: echo first
  second:
    needs: [first]
    run: echo second
  report:
    needs: [second]
    if: always()
    run: echo report
)yaml");
  auto none = run_wf({"plan", file});
  INFO(none.out << none.err);
  CHECK_THAT(none.out, Contains("skipped: nothing to preview"));
  CHECK(none.exit_code == 2);  // report runs whatever happens: always()
  std::string only = dir.write("only.yaml", R"yaml(name: only
steps:
  first:
    if: false
    run: echo first
  second:
    needs: [first]
    run: echo second
)yaml");
  auto skipped = run_wf({"plan", only});
  INFO(skipped.out << skipped.err);
  CHECK(skipped.exit_code == 0);
  auto one = run_wf({"plan", dir.write("one.yaml", "name: one\nsteps:\n  a:\n    run: echo a\n")});
  CHECK_THAT(one.out, Contains("Plan for one: 1 step in 1 wave\n"));
  auto dry = run_wf({"run", only, "--dry-run"});
  CHECK(dry.exit_code == 0);
  auto bad = run_wf({"run", only, "--dry-run", "-i", "nosuch=1"});
  CHECK(bad.exit_code == 2);
}

TEST_CASE("steps: lists the registry and documents a type", "[e2e][steps]") {
  auto list = run_wf({"steps"});
  CHECK(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Matchers::Matches("(.|\n)*\n  run +Run a shell script(.|\n)*"));
  auto run = run_wf({"steps", "run"});
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.out, Contains("script  (string, required)"));
  CHECK_THAT(run.out, Contains("shell  (string, default \"bash\")"));
  CHECK_THAT(run.out, Contains("Example:"));
  auto typo = run_wf({"steps", "rnu"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Contains("unknown step type 'rnu'; did you mean 'run'?"));
}

TEST_CASE("eval: prints the value as JSON", "[e2e][eval]") {
  auto r = run_wf({"eval", "format('{0}-{1}', 'a', 1)"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "\"a-1\"\n");
  auto wrapped = run_wf({"eval", "${{ fromJSON('[1,2]') }}"});
  CHECK(wrapped.exit_code == 0);
  CHECK(wrapped.out == "[\n  1,\n  2\n]\n");
  auto text = run_wf({"eval", "v${{ 1 + 1 }}"});
  CHECK(text.exit_code == 2);
}

TEST_CASE("eval: named values come from --context", "[e2e][eval]") {
  TempDir dir;
  std::string ctx = dir.write("ctx.json", R"({"inputs": {"cluster": "prod"}, "steps": {"b": {"outputs": {"n": "3"}}}})");
  auto r = run_wf({"eval", "inputs.CLUSTER == 'PROD' && steps.b.outputs.n", "--context", ctx});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "\"3\"\n");
  auto unknown = run_wf({"eval", "env.HOME", "--context", ctx});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("Unrecognized named-value: 'env'"));
}

TEST_CASE("eval: a syntax error points at its column and exits 2", "[e2e][eval]") {
  auto r = run_wf({"eval", "1 == (2"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, StartsWith("error: "));
  CHECK_THAT(r.err, Contains("^"));
}

TEST_CASE("eval: --condition adds the implicit success()", "[e2e][eval]") {
  CHECK(run_wf({"eval", "true", "--condition", "--status", "failure"}).out == "false\n");
  CHECK(run_wf({"eval", "failure()", "--condition", "--status", "failure"}).out == "true\n");
  CHECK(run_wf({"eval", "always()", "--condition", "--status", "cancelled"}).out == "true\n");
}

TEST_CASE("help: wf and every command teach with an example", "[e2e][help]") {
  auto top = run_wf({"--help"});
  CHECK(top.exit_code == 0);
  CHECK_THAT(top.out, Contains("Examples:"));
  CHECK_FALSE(top.out.find("__complete") != std::string::npos);
  for (const char* cmd : {"validate", "graph", "plan", "steps", "eval", "runs", "logs", "show", "completion"}) {
    DYNAMIC_SECTION(cmd) {
      auto r = run_wf({cmd, "--help"});
      CHECK(r.exit_code == 0);
      CHECK_THAT(r.out, Contains("Example"));
    }
  }
  auto none = run_wf({});
  CHECK(none.exit_code == 2);
  auto bogus = run_wf({"frobnicate"});
  CHECK(bogus.exit_code == 2);
}

TEST_CASE("graph and run: a step's name: is shown beside its id", "[e2e][graph][run]") {
  TempDir dir;
  std::string file = dir.write("named.yaml", R"yaml(name: named
steps:
  a:
    name: Say "hello"
    run: echo hi
)yaml");
  auto dot = run_wf({"graph", file});
  CHECK_THAT(dot.out, Contains("\"a\" [label=\"a\\nSay \\\"hello\\\"\\nrun\"]"));
  auto mermaid = run_wf({"graph", file, "--format", "mermaid"});
  CHECK_THAT(mermaid.out, Contains("n0[\"a<br/>Say #quot;hello#quot;<br/>run\"]"));
  auto run = run_wf({"run", file}, dir.path());
  INFO(run.out << run.err);
  CHECK_THAT(run.out, Contains("[a] started: Say \"hello\" (run)"));
}

TEST_CASE("plan: a missing secret leaves out only the previews of the steps that read it", "[e2e][plan]") {
  TempDir dir;
  std::string file = dir.write("partial.yaml", R"yaml(name: partial
inputs:
  cluster: { default: c1 }
secrets:
  tok: { env: WF_TEST_SURELY_UNSET_TOKEN }
steps:
  fetch:
    uses: git
    with: { action: checkout, repo: "https://example.com/org/app.git", dir: app }
  private:
    uses: git
    with: { action: checkout, repo: "https://example.com/org/private.git", dir: private, token: "${{ secrets.tok }}" }
  twice:
    run: |
      echo "${{ inputs.cluster }}"
      echo "again ${{ inputs.cluster }}"
)yaml");
  auto r = run_wf({"plan", file});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Contains("would clone https://example.com/org/app.git"));
  CHECK_THAT(r.out, Contains("(no preview: secret 'tok' is not set: export WF_TEST_SURELY_UNSET_TOKEN"));
  CHECK_THAT(r.err, Contains("(the steps that read it are not previewed)"));
  CHECK(r.err.find("no previews") == std::string::npos);
  // each expression's value once, however often the script uses it
  size_t shown = 0;
  for (size_t at = r.out.find("${{ inputs.cluster }} = c1"); at != std::string::npos;
       at = r.out.find("${{ inputs.cluster }} = c1", at + 1))
    ++shown;
  CHECK(shown == 1);
}
