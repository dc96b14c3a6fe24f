// wf run: how run: scripts are run (bash -eo pipefail, shell: sh), their
// environment and working directory, expressions that stay data (no shell
// injection), and outputs through $WF_OUTPUT. Real bash, through the wf binary.

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
namespace fs = std::filesystem;


/// The lines a step printed, without the "[id] " prefix, from wf's stdout
/// (only the step's own output: wf's status lines about it are left out).
std::vector<std::string> step_lines(const std::string& out, const std::string& id) {
  std::vector<std::string> lines;
  const std::string prefix = "[" + id + "] ";
  for (const auto& line : split_lines(out)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::string text = line.substr(prefix.size());
    if (text.rfind("started", 0) == 0 || text.rfind("✓", 0) == 0 || text.rfind("✗", 0) == 0 ||
        text.rfind("–", 0) == 0 || text.rfind("⊘", 0) == 0 || text.rfind("attempt ", 0) == 0 ||
        text.rfind("failed (", 0) == 0)
      continue;
    lines.push_back(text);
  }
  return lines;
}

}  // namespace

TEST_CASE("run: scripts run with bash -eo pipefail: a failing command or pipeline fails the step",
          "[e2e][run][script]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: strict
steps:
  pipeline:
    run: |
      false | true
      echo after-pipeline
  command:
    run: |
      false
      echo after-command
  unset-is-fine:
    run: |
      echo "unset=[${NOT_SET_ANYWHERE}]"
      readlink /proc/$$/exe
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_of(w.report, "pipeline")["outcome"] == "failure");
  CHECK(step_of(w.report, "command")["outcome"] == "failure");
  CHECK_THAT(step_of(w.report, "pipeline")["attempts"][0].value("summary", ""), Contains("exit code 1"));
  CHECK(w.r.out.find("after-pipeline") == std::string::npos);
  CHECK(w.r.out.find("after-command") == std::string::npos);
  // -u is not among GitHub's flags; the interpreter is bash.
  CHECK(step_of(w.report, "unset-is-fine")["outcome"] == "success");
  auto lines = step_lines(w.r.out, "unset-is-fine");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "unset=[]");
  CHECK_THAT(lines[1], EndsWith("/bash"));
}

TEST_CASE("run: shell: sh runs the script with sh -e (no pipefail, not bash)", "[e2e][run][script]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: sh
steps:
  posix:
    shell: sh
    run: |
      readlink /proc/$$/exe
      false | true
      echo "pipeline ok in sh"
  posix-strict:
    shell: sh
    run: |
      false
      echo after-false
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_of(w.report, "posix")["outcome"] == "success");
  auto lines = step_lines(w.r.out, "posix");
  REQUIRE(lines.size() == 2);
  CHECK_FALSE(lines[0].ends_with("/bash"));  // dash on Debian
  CHECK(lines[1] == "pipeline ok in sh");
  CHECK(step_of(w.report, "posix-strict")["outcome"] == "failure");
  CHECK(w.r.out.find("after-false") == std::string::npos);
}

TEST_CASE("run: env layering: wf's environment < workflow env < step env", "[e2e][run][script]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: env
inputs:
  region: { default: eu-1 }
env:
  LAYER_A: workflow-a
  LAYER_B: workflow-b
  OUTER_OVERRIDDEN: from-workflow
  REGION: region-${{ inputs.region }}
steps:
  show:
    env:
      LAYER_B: step-b
      DERIVED: ${{ env.LAYER_A }}+step
    run: |
      echo "A=$LAYER_A B=$LAYER_B OUTER=$OUTER_ONLY OVERRIDDEN=$OUTER_OVERRIDDEN REGION=$REGION DERIVED=$DERIVED"
  other:
    needs: [show]
    run: echo "B=$LAYER_B DERIVED=[${DERIVED:-}]"
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "-i", "region=us-2"},
                  {{"OUTER_ONLY", "from-wf-env"}, {"OUTER_OVERRIDDEN", "from-wf-env"}, {"LAYER_B", "outer-b"}});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(step_lines(w.r.out, "show") ==
        std::vector<std::string>{"A=workflow-a B=step-b OUTER=from-wf-env OVERRIDDEN=from-workflow "
                                 "REGION=region-us-2 DERIVED=workflow-a+step"});
  // A step's env is its own: the next step sees the workflow's.
  CHECK(step_lines(w.r.out, "other") == std::vector<std::string>{"B=workflow-b DERIVED=[]"});
}

TEST_CASE("run: working-directory is relative to the workflow file's directory", "[e2e][run][script]") {
  TempDir dir;
  dir.write("flows/wf.yaml", R"yaml(name: wd
steps:
  default-dir:
    run: pwd -P
  sub:
    working-directory: sub
    run: |
      pwd -P
      cat here.txt
  sibling:
    working-directory: ../other
    run: pwd -P
  missing:
    working-directory: nowhere
    run: echo should-not-run
)yaml");
  dir.write("flows/sub/here.txt", "found here.txt");
  fs::create_directories(dir.path() + "/other");
  fs::create_directories(dir.path() + "/elsewhere");
  std::string root = fs::canonical(dir.path()).string();
  // Run from an unrelated directory, with a relative path to the file.
  auto w = wf_run(dir, {"run", "../flows/wf.yaml", "--keep-going", "--state-dir", dir.path() + "/.wf"}, {},
                  dir.path() + "/elsewhere");
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_lines(w.r.out, "default-dir") == std::vector<std::string>{root + "/flows"});
  CHECK(step_lines(w.r.out, "sub") == std::vector<std::string>{root + "/flows/sub", "found here.txt"});
  CHECK(step_lines(w.r.out, "sibling") == std::vector<std::string>{root + "/other"});
  json missing = step_of(w.report, "missing");
  CHECK(missing["outcome"] == "failure");
  CHECK_THAT(missing["attempts"][0].value("summary", ""), Contains("nowhere"));
  CHECK(w.r.out.find("should-not-run") == std::string::npos);
}

TEST_CASE("run: expressions in a script are data: inputs that look like shell code are printed as given",
          "[e2e][run][script][injection]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: inject
inputs:
  subst: { default: "" }
  quote: { default: "" }
  tick: { default: "" }
steps:
  echo-all:
    run: |
      echo "${{ inputs.subst }}"
      echo ${{ inputs.subst }}
      echo '${{ inputs.subst }}'
      echo "${{ inputs.quote }}"
      echo ${{ inputs.quote }}
      echo '${{ inputs.quote }}'
      echo "${{ inputs.tick }}"
      echo ${{ inputs.tick }}
      echo '${{ inputs.tick }}'
      echo "mixed: '${{ inputs.quote }}' and "${{ inputs.tick }}" and ${{ inputs.subst }}"
      echo "out=${{ inputs.subst }}" >> "$WF_OUTPUT"
  via-env:
    env:
      VALUE: ${{ inputs.quote }}
    run: echo "$VALUE"
  via-output:
    needs: [echo-all]
    run: |
      echo "${{ steps.echo-all.outputs.out }}"
      echo ${{ steps.echo-all.outputs.out }}
      echo '${{ steps.echo-all.outputs.out }}'
)yaml");
  const std::string subst = "$(touch pwned)";
  const std::string quote = "'; touch pwned; '";
  const std::string tick = "`touch pwned`";
  auto w = wf_run(dir, {"run", "wf.yaml", "-i", "subst=" + subst, "-i", "quote=" + quote, "-i", "tick=" + tick});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(step_lines(w.r.out, "echo-all") ==
        std::vector<std::string>{subst, subst, subst, quote, quote, quote, tick, tick, tick,
                                 "mixed: '" + quote + "' and " + tick + " and " + subst});
  CHECK(step_lines(w.r.out, "via-env") == std::vector<std::string>{quote});
  CHECK(step_lines(w.r.out, "via-output") == std::vector<std::string>{subst, subst, subst});
  // The log file holds the same lines.
  CHECK_THAT(read_file(w.run_dir + "/logs/echo-all.1.log"), Contains("out| " + quote + "\n"));
  // Nothing ran: no 'pwned' anywhere the scripts could have written.
  for (const auto& f : files_under(dir.path())) CHECK_FALSE(fs::path(f).filename() == "pwned");
  CHECK_FALSE(fs::exists(dir.path() + "/pwned"));
}

TEST_CASE("run: outputs: name=value and heredocs reach later steps, outcome is readable", "[e2e][run][outputs]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: outputs
steps:
  produce:
    run: |
      echo "simple=hello world" >> "$WF_OUTPUT"
      echo "with-equals=a=b=c" >> "$WF_OUTPUT"
      {
        echo "multi<<EOF_MARK"
        echo "line one"
        echo ""
        echo "line three = 3"
        echo "EOF_MARK"
      } >> "$WF_OUTPUT"
      echo "empty=" >> "$WF_OUTPUT"
  skipped-one:
    if: ${{ false }}
    run: echo never
  consume:
    needs: [produce, skipped-one]
    if: always()
    run: |
      printf '%s' "${{ steps.produce.outputs.simple }}" > simple.txt
      printf '%s' "${{ steps.produce.outputs.with-equals }}" > equals.txt
      printf '%s' "${{ steps.produce.outputs.multi }}" > multi.txt
      printf '%s' "[${{ steps.produce.outputs.empty }}]" > empty.txt
      printf '%s' "[${{ steps.produce.outputs.absent }}]" > absent.txt
      echo "produce=${{ steps.produce.outcome }} skipped-one=${{ steps.skipped-one.outcome }}"
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(read_file(dir.path() + "/simple.txt") == "hello world");
  CHECK(read_file(dir.path() + "/equals.txt") == "a=b=c");
  CHECK(read_file(dir.path() + "/multi.txt") == "line one\n\nline three = 3");
  CHECK(read_file(dir.path() + "/empty.txt") == "[]");
  CHECK(read_file(dir.path() + "/absent.txt") == "[]");
  CHECK(step_lines(w.r.out, "consume") == std::vector<std::string>{"produce=success skipped-one=skipped"});
  json outputs = step_of(w.report, "produce")["outputs"];
  CHECK(outputs["simple"] == "hello world");
  CHECK(outputs["multi"] == "line one\n\nline three = 3");
  CHECK(step_of(w.report, "skipped-one")["outcome"] == "skipped");
}

TEST_CASE("run: a malformed $WF_OUTPUT fails the step, permanently, with a clear message", "[e2e][run][outputs]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: malformed
steps:
  no-equals:
    retry: { limit: 2, backoff: { delay: 10ms } }
    run: |
      echo "this line has no equals sign" >> "$WF_OUTPUT"
  open-heredoc:
    run: |
      printf 'text<<END\nnever closed\n' >> "$WF_OUTPUT"
  downstream:
    needs: [no-equals]
    run: echo should-not-run
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "--keep-going"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  json step = step_of(w.report, "no-equals");
  CHECK(step["outcome"] == "failure");
  REQUIRE(step["attempts"].size() == 1);  // permanent: not retried
  CHECK(step["attempts"][0]["class"] == "permanent");
  CHECK_THAT(step["attempts"][0].value("summary", ""), Contains("malformed $WF_OUTPUT"));
  CHECK_THAT(step["attempts"][0].value("summary", ""), Contains("this line has no equals sign"));
  CHECK_THAT(w.r.out, Contains("malformed $WF_OUTPUT"));
  json heredoc = step_of(w.report, "open-heredoc");
  CHECK(heredoc["outcome"] == "failure");
  CHECK_THAT(heredoc["attempts"][0].value("summary", ""), Contains("malformed $WF_OUTPUT"));
  CHECK(step_of(w.report, "downstream")["outcome"] == "skipped");
}

TEST_CASE("run: values arrive in every quoting context: heredocs, command substitution in quotes, $'...'",
          "[e2e][run][script][injection]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: contexts
inputs:
  v: { default: "" }
steps:
  quoted-heredoc:
    run: |
      cat <<'EOF'
      values: ${{ inputs.v }} 'kept' "kept"
      EOF
  unquoted-heredoc:
    run: |
      cat <<EOF
      values: ${{ inputs.v }} 'kept'
      EOF
  tab-heredoc:
    run: "cat <<-\"END\"\n\tvalues: ${{ inputs.v }}\n\tEND\n"
  substitution:
    run: |
      echo "$(echo '${{ inputs.v }}')"
      echo "`echo '${{ inputs.v }}'`"
  ansi:
    run: |
      printf '%s' $'${{ inputs.v }}\tafter\n'
  here-string:
    run: |
      cat <<< 'no heredoc here'
      echo "$(( 1 << 3 ))"
      (( y = 1 << 2 )); echo "$y"
      echo '${{ inputs.v }}'
)yaml");
  const std::string v = "$(touch pwned) '\"`x`";
  auto w = wf_run(dir, {"run", "wf.yaml", "-i", "v=" + v});
  INFO(w.all());
  REQUIRE(w.r.exit_code == 0);
  CHECK(step_lines(w.r.out, "quoted-heredoc") == std::vector<std::string>{"values: " + v + " 'kept' \"kept\""});
  CHECK(step_lines(w.r.out, "unquoted-heredoc") == std::vector<std::string>{"values: " + v + " 'kept'"});
  CHECK(step_lines(w.r.out, "tab-heredoc") == std::vector<std::string>{"values: " + v});
  CHECK(step_lines(w.r.out, "substitution") == std::vector<std::string>{v, v});
  CHECK(step_lines(w.r.out, "ansi") == std::vector<std::string>{v + "\tafter"});
  CHECK(step_lines(w.r.out, "here-string") == std::vector<std::string>{"no heredoc here", "8", "4", v});
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/pwned"));
}

TEST_CASE("run: a value with a line equal to a quoted heredoc's delimiter fails the step before it runs",
          "[e2e][run][script][injection]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: end-early
inputs:
  v: { default: "" }
steps:
  values:
    run: |
      cat > values.yaml <<'EOF'
      image: ${{ inputs.v }}
      EOF
)yaml");
  auto w = wf_run(dir, {"run", "wf.yaml", "-i", "v=x\nEOF\ntouch pwned"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK_THAT(w.all(), Contains("delimiter 'EOF'"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/pwned"));
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/values.yaml"));
  // The delimiter as the value's last line, completed by the script's newline.
  auto last = wf_run(dir, {"run", "wf.yaml", "-i", "v=x\nEOF"});
  CHECK(last.r.exit_code == 1);
  CHECK_THAT(last.all(), Contains("delimiter 'EOF'"));
}

TEST_CASE("run: a path a later step reads may be created by an earlier one: a warning, then checked at the start",
          "[e2e][run][paths]") {
  TempDir dir;
  dir.write("wf.yaml", R"yaml(name: paths
steps:
  first:
    run: "true"
  render:
    needs: [first]
    uses: helm-template
    with:
      chart: never-made
      release: r
      output: out.yaml
)yaml");
  auto v = run_wf_local({"validate", "wf.yaml"}, dir.path(), {}, 60);
  INFO(v.out << v.err);
  CHECK(v.exit_code == 0);
  CHECK_THAT(v.out + v.err, Contains("warning"));
  CHECK_THAT(v.out + v.err, Contains("checked again when the step starts"));
  auto w = wf_run(dir, {"run", "wf.yaml"});
  INFO(w.all());
  CHECK(w.r.exit_code == 1);
  CHECK(step_of(w.report, "first")["outcome"] == "success");
  CHECK(step_of(w.report, "render")["outcome"] == "failure");
  CHECK_THAT(w.all(), Contains("with.chart: file or directory 'never-made' does not exist"));
}
