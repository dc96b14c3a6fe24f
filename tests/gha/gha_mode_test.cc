// wf in a GitHub Actions job, checked against an emulation of the runner
// (tests/fixtures/gha_runner): the action's script, outputs and env files,
// annotations, masks, the cancel sequence, validation errors.

#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/fixtures/gha_runner/gha_runner.h"
#include "tests/support/command.h"

namespace wf::test {
namespace {

using gha::Runner;
using gha::StepOptions;
using gha::StepRun;

std::string diagnostics(const StepRun& r) {
  std::string s = "exit " + std::to_string(r.exit_code) + "\n--- log\n" + r.log_text() + "--- raw\n";
  for (const auto& l : r.raw) s += l + "\n";
  for (const auto& f : r.command_failures) s += "command failure: " + f + "\n";
  for (const auto& f : r.file_errors) s += "file error: " + f + "\n";
  return s + "--- summary\n" + r.summary;
}

/// The job step a workflow writes as `uses: <owner>/wf@v1`: the script and
/// env of action.yml's composite step, with `${{ inputs.X }}` replaced as
/// the runner does (the given value, else the input's default).
StepOptions action_step(const std::string& workspace, std::map<std::string, std::string> inputs) {
  YAML::Node action = YAML::LoadFile(std::string(WF_SOURCE_DIR) + "/action.yml");
  for (const auto& in : action["inputs"]) {
    std::string name = in.first.as<std::string>();
    if (!inputs.count(name) && in.second["default"]) inputs[name] = in.second["default"].as<std::string>();
  }
  YAML::Node step = action["runs"]["steps"][0];
  StepOptions o;
  o.script = step["run"].as<std::string>();
  static const std::regex expr(R"(\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\})");
  for (const auto& e : step["env"]) {
    std::string v = e.second.as<std::string>(), out;
    std::smatch m;
    while (std::regex_search(v, m, expr)) {
      out += m.prefix().str() + inputs[m[1].str()];
      v = m.suffix().str();
    }
    o.env[e.first.as<std::string>()] = out + v;
  }
  std::string wd = inputs["working-directory"];
  o.workspace = workspace;
  if (wd != ".") o.script = "cd '" + wd + "'\n" + o.script;
  return o;
}

/// A job step `run: exec wf run FILE ARGS` (what docs/github-actions.md shows).
StepOptions run_step(const std::string& workspace, const std::string& args) {
  StepOptions o;
  o.workspace = workspace;
  o.script = "echo preparing\nexec '" + std::string(WF_BINARY) + "' run " + args + "\n";
  return o;
}

bool has_line(const StepRun& r, const std::string& text) {
  return r.log_text().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("gha: the action runs a workflow, and outputs and env files work as on GitHub", "[gha][e2e]") {
  TempDir dir;
  dir.write("deploy/deploy.yaml", R"Y(name: gha-demo
inputs:
  who: { default: nobody }
outputs:
  greeting: ${{ steps.use.outputs.greeting }}
  notes: ${{ steps.make.outputs.notes }}
steps:
  make:
    name: Make things
    env: { WHO: "${{ inputs.who }}" }
    run: |
      echo "notes<<EOF" >> "$GITHUB_OUTPUT"
      printf 'line one\nline two\n' >> "$GITHUB_OUTPUT"
      echo "EOF" >> "$GITHUB_OUTPUT"
      echo "DEPLOY_ENV=staging-$WHO" >> "$GITHUB_ENV"
      mkdir -p bin && printf '#!/bin/sh\necho tool-ran\n' > bin/mytool && chmod +x bin/mytool
      echo "$PWD/bin" >> "$GITHUB_PATH"
      echo "### Made it for $WHO" >> "$GITHUB_STEP_SUMMARY"
      test "$GITHUB_OUTPUT" = "$WF_OUTPUT" && test "$GITHUB_ENV" = "$WF_ENV"
  use:
    needs: [make]
    run: |
      echo "greeting=hello $DEPLOY_ENV $(mytool)" >> "$GITHUB_OUTPUT"
  sibling:
    run: echo "sibling sees '${DEPLOY_ENV:-unset}'"
)Y");
  Runner runner(dir.path() + "/runner");
  StepOptions step = action_step(dir.path(), {{"workflow", "deploy.yaml"},
                                              {"inputs", "who=ann\n\n"},
                                              {"args", "-j 2"},
                                              {"working-directory", "deploy"},
                                              {"wf-path", WF_BINARY}});
  StepRun r = runner.run_step(step);
  INFO(diagnostics(r));
  REQUIRE(r.exit_code == 0);
  CHECK(r.command_failures.empty());
  CHECK(r.file_errors.empty());
  // The job step's outputs: each workflow output, and all as JSON for the
  // action's `outputs` output.
  CHECK(r.outputs["greeting"] == "hello staging-ann tool-ran");
  CHECK(r.outputs["notes"] == "line one\nline two");
  auto all = nlohmann::json::parse(r.outputs["wf-outputs"]);
  CHECK(all["greeting"] == "hello staging-ann tool-ran");
  CHECK(all["notes"] == "line one\nline two");
  // The steps wrote their own files, never the job's.
  CHECK(r.env.empty());
  CHECK(r.path.empty());
  CHECK(has_line(r, "sibling sees 'unset'"));
  // The summary: the table, then the step's own summary under its heading.
  CHECK(r.summary.find("| make (Make things) |") != std::string::npos);
  size_t heading = r.summary.find("#### ✅ make (Make things)");
  REQUIRE(heading != std::string::npos);
  CHECK(r.summary.find("### Made it for ann", heading) != std::string::npos);
  // Each attempt in a group of its own; no annotation for a success.
  CHECK(std::find(r.groups.begin(), r.groups.end(), "make") != r.groups.end());
  CHECK(r.annotations.empty());
}

TEST_CASE("gha: a failing step is an error annotation and the job step fails", "[gha][e2e]") {
  TempDir dir;
  dir.write("wf.yaml", R"(steps:
  deploy:
    run: |
      echo "applying"
      echo "no route to cluster" >&2
      exit 3
  report:
    needs: [deploy]
    if: ${{ always() }}
    run: echo "report ran"
)");
  Runner runner(dir.path() + "/runner");
  StepRun r = runner.run_step(run_step(dir.path(), "wf.yaml"));
  INFO(diagnostics(r));
  CHECK(r.exit_code == 1);
  CHECK(r.command_failures.empty());
  REQUIRE(r.annotations.size() == 1);
  CHECK(r.annotations[0].kind == "error");
  CHECK(r.annotations[0].properties["title"] == "deploy failed");
  CHECK(r.annotations[0].message.find("exit code 3") != std::string::npos);
  CHECK(has_line(r, "report ran"));
  CHECK(r.summary.find("class transient") != std::string::npos);
}

TEST_CASE("gha: tool annotations pass through, groups and stop-commands are neutralised", "[gha][e2e]") {
  TempDir dir;
  dir.write("infra/main.tf", "");
  dir.write("wf.yaml", R"(steps:
  lint:
    working-directory: infra
    run: |
      echo "::error file=main.tf,line=3,col=5,title=tflint::bad resource"
      echo "::warning file=$PWD/main.tf,line=7::deprecated"
      echo "::notice::all files checked"
      echo "::group::inner group"
      echo "::endgroup::"
      echo "::stop-commands::mytoken123"
      echo "::set-env name=EVIL::1"
      echo "::mytoken123::"
      echo "::add-path::/tmp/evil"
      echo "text ##[group]legacy"
      echo "::set-output name=x::1"
  many:
    needs: [lint]
    run: |
      for i in $(seq 1 12); do echo "::error file=f$i.yaml,line=$i::problem $i"; done
      echo "after the errors"
)");
  Runner runner(dir.path() + "/runner");
  StepRun r = runner.run_step(run_step(dir.path(), "wf.yaml -j 1"));
  INFO(diagnostics(r));
  CHECK(r.exit_code == 0);
  // No command of a step reached the runner but annotations.
  CHECK(r.command_failures.empty());
  CHECK(std::find(r.groups.begin(), r.groups.end(), "inner group") == r.groups.end());
  CHECK(std::find(r.groups.begin(), r.groups.end(), "legacy") == r.groups.end());
  REQUIRE(r.annotations.size() >= 3);
  const auto& e = r.annotations[0];
  CHECK(e.kind == "error");
  CHECK(e.properties.at("file") == "infra/main.tf");
  CHECK(e.properties.at("line") == "3");
  CHECK(e.properties.at("col") == "5");
  CHECK(e.properties.at("title") == "lint: tflint");
  CHECK(e.message == "bad resource");
  const auto& w = r.annotations[1];
  CHECK(w.kind == "warning");
  CHECK(w.properties.at("file") == "infra/main.tf");
  CHECK(w.properties.at("title") == "lint");
  CHECK(r.annotations[2].kind == "notice");
  // GitHub shows 10 errors per job step: wf emits 10, lists the rest.
  size_t errors = 0;
  for (const auto& a : r.annotations) errors += a.kind == "error";
  CHECK(errors == 10);
  CHECK(r.summary.find("Annotations GitHub does not show") != std::string::npos);
  CHECK(r.summary.find("f12.yaml") != std::string::npos);
  CHECK(has_line(r, "after the errors"));
}

TEST_CASE("gha: a secret is masked in every line after add-mask and never printed before", "[gha][e2e]") {
  TempDir dir;
  const std::string secret = "s3cr3t-Value-42";
  dir.write("wf.yaml", R"(outputs:
  token: ${{ steps.make.outputs.token }}
steps:
  make:
    run: |
      echo "before the secret"
      value="s3cr3t-$(echo Value)-42"
      echo "::add-mask::$value"
      echo "the value is $value"
      echo "again: x${value}x" >&2
      echo "token=$value" >> "$GITHUB_OUTPUT"
      echo "### used $value" >> "$GITHUB_STEP_SUMMARY"
  show:
    needs: [make]
    run: echo "later ${{ steps.make.outputs.token }}"
)");
  Runner runner(dir.path() + "/runner");
  StepRun r = runner.run_step(run_step(dir.path(), "wf.yaml"));
  INFO(diagnostics(r));
  CHECK(r.exit_code == 0);
  REQUIRE(std::find(r.masks.begin(), r.masks.end(), secret) != r.masks.end());
  // The only raw line with the value is the add-mask line itself, which the
  // runner consumes without echo; nothing before it holds the value.
  bool registered = false;
  for (const auto& line : r.raw) {
    if (line.find(secret) == std::string::npos) continue;
    CHECK(line == "::add-mask::" + secret);
    registered = true;
  }
  CHECK(registered);
  CHECK(r.log_text().find(secret) == std::string::npos);
  CHECK(r.summary.find(secret) == std::string::npos);
  CHECK(has_line(r, "the value is ***"));
  CHECK(has_line(r, "later ***"));
}

TEST_CASE("gha: the runner's cancel: SIGINT, 7.5 s, SIGTERM, 2.5 s, kill, with always() steps, summary and outputs",
          "[gha][e2e][slow]") {
  TempDir dir;
  std::string marker = unique_marker();
  MarkerSweeper sweep(marker);
  dir.write("wf.yaml", R"(outputs:
  started: ${{ steps.prepare.outputs.started }}
steps:
  prepare:
    run: echo "started=yes" >> "$GITHUB_OUTPUT"
  long:
    needs: [prepare]
    run: |
      trap '' INT
      echo "long-started"
      sleep 1000.)" + marker + R"(
  cleanup:
    needs: [long]
    if: ${{ always() }}
    run: |
      echo "cleaning up after ${{ steps.long.outcome }}"
      touch cleaned
  slow-cleanup:
    needs: [long]
    if: ${{ always() }}
    run: |
      echo "slow cleanup"
      sleep 1000.)" + marker + R"(
)");
  Runner runner(dir.path() + "/runner");
  StepOptions step = run_step(dir.path(), "wf.yaml -j 2");
  step.cancel_when = [](const std::vector<std::string>& raw) {
    return std::find(raw.begin(), raw.end(), "long-started") != raw.end();
  };
  StepRun r = runner.run_step(step);
  INFO(diagnostics(r));
  REQUIRE(r.sigint_at);
  // wf ended on its own before the runner's kill, and nothing it started survived.
  CHECK_FALSE(r.sigkill_at);
  CHECK(r.exit_code == 130);
  CHECK(r.output_closed);
  CHECK(wait_until_no_marker(marker, 2).empty());
  // The long step ignored SIGINT: wf's SIGTERM ended it; the quick always()
  // step ran; the slow one was stopped at the runner's SIGTERM.
  CHECK(has_line(r, "cleaning up after cancelled"));
  CHECK(std::filesystem::exists(dir.path() + "/cleaned"));
  CHECK(has_line(r, "slow cleanup"));
  REQUIRE(r.sigterm_at);
  CHECK(r.ended_at < *r.sigterm_at + 2.5);
  // Summary and outputs were written before the end.
  CHECK(r.summary.find("interrupted") != std::string::npos);
  CHECK(r.summary.find("| long |") != std::string::npos);
  CHECK(r.outputs["started"] == "yes");
}

TEST_CASE("gha: validation errors are annotations on the workflow file", "[gha][e2e]") {
  TempDir dir;
  dir.write("flows/bad.yaml", "steps:\n  a:\n    run: echo hi\n    neds: [b]\n  c:\n    needs: [nothing]\n    run: echo\n");
  Runner runner(dir.path() + "/runner");
  for (const std::string cmd : {"validate", "run"}) {
    StepOptions step;
    step.workspace = dir.path();
    step.script = "exec '" + std::string(WF_BINARY) + "' " + cmd + " flows/bad.yaml\n";
    StepRun r = runner.run_step(step);
    INFO(cmd << "\n" << diagnostics(r));
    CHECK(r.exit_code == 2);
    REQUIRE(r.annotations.size() == 2);
    for (const auto& a : r.annotations) {
      CHECK(a.kind == "error");
      CHECK(a.properties.at("file") == "flows/bad.yaml");
    }
    CHECK(r.annotations[0].properties.at("line") == "4");
    CHECK(r.annotations[0].properties.at("col") == "5");
    CHECK(r.annotations[0].message.find("neds") != std::string::npos);
    CHECK(r.annotations[1].properties.at("line") == "6");
  }
}

}  // namespace wf::test
