// wf runs, wf logs, wf show and wf completion on real runs that the real wf
// binary makes in a scratch folder.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.h"
#include "tests/support/command.h"

namespace {

using json = nlohmann::json;
using namespace wf::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

constexpr const char* kSecret = "s3cr3t-value-91";

/// `build` outputs a value and echoes the secret; `check` fails until the
/// file `fixed` exists (two attempts each time); `after` needs it.
constexpr const char* kFlow = R"yaml(name: flow
inputs:
  tag: { default: v1 }
secrets:
  token: { env: FLOW_TOKEN }
steps:
  build:
    run: |
      echo "building ${{ inputs.tag }}"
      echo "token is ${{ secrets.token }}"
      echo "image=app:${{ inputs.tag }}" >> "$WF_OUTPUT"
  check:
    needs: [build]
    retry: { limit: 1, backoff: { delay: 10ms } }
    run: |
      echo "check attempt $WF_ATTEMPT"
      [ -f fixed ]
  after:
    needs: [check]
    run: echo after
)yaml";

const std::map<std::string, std::string> kEnv = {{"FLOW_TOKEN", kSecret}};

std::string id_of(const WfRun& w) { return fs::path(w.run_dir).filename().string(); }

CommandResult wf_in(const TempDir& dir, const std::vector<std::string>& args) {
  return run_wf_local(args, dir.path(), kEnv, 60);
}

std::string wf_binary_dir() { return fs::path(WF_BINARY).parent_path().string(); }

}  // namespace

TEST_CASE("wf runs: newest first with outcome and step counts and resumed-from (also as --json)", "[e2e][history]") {
  TempDir dir;
  dir.write("flow.yaml", kFlow);
  auto failed = wf_run(dir, {"run", "flow.yaml"}, kEnv);
  REQUIRE(failed.r.exit_code == 1);
  dir.write("fixed", "");
  auto resumed = wf_run(dir, {"run", "flow.yaml", "--resume"}, kEnv);
  REQUIRE(resumed.r.exit_code == 0);

  auto r = wf_in(dir, {"runs"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto lines = split_lines(r.out);
  REQUIRE(lines.size() == 3);
  CHECK_THAT(lines[0], Contains("RUN") && Contains("OUTCOME") && Contains("RESUMED FROM"));
  CHECK_THAT(lines[1], Contains(id_of(resumed)) && Contains("success") && Contains(id_of(failed)));
  CHECK_THAT(lines[2], Contains(id_of(failed)) && Contains("failure"));

  auto j = wf_in(dir, {"runs", "flow.yaml", "--json"});
  REQUIRE(j.exit_code == 0);
  json all = json::parse(j.out);
  REQUIRE(all.size() == 2);
  CHECK(all[0]["id"] == id_of(resumed));
  CHECK(all[0]["outcome"] == "success");
  CHECK(all[0]["resumed_from"] == id_of(failed));
  CHECK(all[0]["counts"]["ok"] == 3);
  CHECK(all[1]["outcome"] == "failure");
  CHECK(all[1]["counts"] == json{{"ok", 1}, {"failed", 1}, {"skipped", 1}, {"cancelled", 0}});
  CHECK(all[1]["resumed_from"].is_null());
  CHECK(all[1]["duration_ms"].get<double>() >= 0);
  CHECK(all[1]["started"].get<std::string>().ends_with("Z"));
  CHECK_FALSE(j.out.find(kSecret) != std::string::npos);
}

TEST_CASE("wf logs: the last attempt or one attempt or every step prefixed (unknown names exit 2)", "[e2e][history]") {
  TempDir dir;
  dir.write("flow.yaml", kFlow);
  auto w = wf_run(dir, {"run", "flow.yaml", "-i", "tag=v7"}, kEnv);
  REQUIRE(w.r.exit_code == 1);

  auto last = wf_in(dir, {"logs", "check"});
  INFO(last.out << last.err);
  CHECK(last.exit_code == 0);
  CHECK_THAT(last.out, Contains("out| check attempt 2"));
  CHECK_FALSE(last.out.find("check attempt 1") != std::string::npos);
  auto first = wf_in(dir, {"logs", "check", "--attempt", "1"});
  CHECK_THAT(first.out, Contains("out| check attempt 1"));

  auto all = wf_in(dir, {"logs"});
  CHECK(all.exit_code == 0);
  CHECK_THAT(all.out, Contains("[build] out| building v7"));
  CHECK_THAT(all.out, Contains("[build] out| token is ***"));
  CHECK_THAT(all.out, Contains("[check] -- attempt 2 --"));
  CHECK(all.out.find("[build]") < all.out.find("[check]"));
  CHECK(all.out.find(kSecret) == std::string::npos);

  auto typo = wf_in(dir, {"logs", "chek"});
  CHECK(typo.exit_code == 2);
  CHECK_THAT(typo.err, Contains("no step 'chek'") && Contains("check") && Contains("build"));
  auto no_attempt = wf_in(dir, {"logs", "check", "--attempt", "5"});
  CHECK(no_attempt.exit_code == 2);
  CHECK_THAT(no_attempt.err, Contains("has no attempt 5") && Contains("1, 2"));
  auto no_run = wf_in(dir, {"logs", "--run", "20200101-000000000-0000"});
  CHECK(no_run.exit_code == 2);
  CHECK_THAT(no_run.err, Contains("no run '20200101-000000000-0000'") && Contains(id_of(w)));
  auto skipped = wf_in(dir, {"logs", "after"});
  CHECK(skipped.exit_code == 0);
  CHECK_THAT(skipped.err, Contains("has no log") && Contains("skipped"));
}

TEST_CASE("wf show: the summary table with inputs and outputs and failures and a resume command that works",
          "[e2e][history]") {
  TempDir dir;
  dir.write("flow.yaml", kFlow);
  auto w = wf_run(dir, {"run", "flow.yaml", "-i", "tag=v2"}, kEnv);
  REQUIRE(w.r.exit_code == 1);
  auto s = wf_in(dir, {"show"});
  INFO(s.out << s.err);
  REQUIRE(s.exit_code == 0);
  CHECK_THAT(s.out, Contains("run " + id_of(w) + " of flow"));
  CHECK_THAT(s.out, Contains("outcome   failure"));
  CHECK_THAT(s.out, Contains("tag = v2"));
  CHECK_THAT(s.out, Contains("build.image = app:v2"));
  CHECK_THAT(s.out, Contains("  step   outcome  attempts"));
  CHECK_THAT(s.out, Contains("  check  failure         2"));
  CHECK_THAT(s.out, Contains("check attempt 1 (transient)") || Contains("check attempt 1 (permanent)"));
  CHECK(s.out.find(kSecret) == std::string::npos);
  auto at = s.out.find("resume with: ");
  REQUIRE(at != std::string::npos);
  std::string cmd = s.out.substr(at + 13, s.out.find('\n', at) - at - 13);
  CHECK_THAT(cmd, Contains("--resume " + id_of(w)) && Contains("-i tag=v2"));

  dir.write("fixed", "");
  auto resumed = run_command({"bash", "-c", "PATH=" + wf_binary_dir() + ":$PATH; " + cmd}, dir.path(), kEnv, 60);
  INFO(resumed.out << resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.out, Contains("resuming run " + id_of(w)));
  auto again = wf_in(dir, {"show"});
  CHECK_THAT(again.out, Contains("outcome   success"));
  CHECK_FALSE(again.out.find("resume with") != std::string::npos);
  CHECK_THAT(again.out, Contains("reused from an earlier run"));

  auto j = wf_in(dir, {"show", "--json", "--run", id_of(w)});
  REQUIRE(j.exit_code == 0);
  json doc = json::parse(j.out);
  CHECK(doc["id"] == id_of(w));
  CHECK(doc["inputs"]["tag"] == "v2");
  CHECK(doc["steps"][1]["attempts"].size() == 2);
  CHECK(doc["resume"].get<std::string>() == cmd);

  fs::remove(w.run_dir + "/report.html");
  auto html = wf_in(dir, {"show", "--html", "--run", id_of(w)});
  CHECK(html.exit_code == 2);
  CHECK_THAT(html.err, Contains("no report.html"));
  dir.write(".wf/runs/" + id_of(w) + "/report.html", "<html></html>");
  html = wf_in(dir, {"show", "--html", "--run", id_of(w)});
  CHECK(html.exit_code == 0);
  CHECK(html.out == w.run_dir + "/report.html\n");
}

TEST_CASE("wf runs/logs/show: several workflows in one folder need --file and the error lists them",
          "[e2e][history]") {
  TempDir dir;
  dir.write("a.yaml", "name: a\nsteps:\n  one:\n    run: echo a-one\n");
  dir.write("b.yaml", "name: b\nsteps:\n  two:\n    run: echo b-two\n");
  REQUIRE(wf_run(dir, {"run", "a.yaml"}).r.exit_code == 0);
  REQUIRE(wf_run(dir, {"run", "b.yaml"}).r.exit_code == 0);
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"runs"}, {"logs"}, {"show"}}) {
    auto r = wf_in(dir, cmd);
    INFO(cmd[0] << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--file") && Contains("a.yaml") && Contains("b.yaml"));
  }
  auto logs = wf_in(dir, {"logs", "--file", "a.yaml"});
  CHECK(logs.exit_code == 0);
  CHECK_THAT(logs.out, Contains("[one] out| a-one"));
  CHECK(split_lines(wf_in(dir, {"runs", "b.yaml"}).out).size() == 2);
}

TEST_CASE("wf runs --prune: removes old runs and says what it freed but never a run in progress (and logs --follow tails it)",
          "[e2e][history]") {
  TempDir dir;
  dir.write("quick.yaml", "name: quick\nsteps:\n  one:\n    run: echo quick\n");
  for (int i = 0; i < 3; ++i) REQUIRE(wf_run(dir, {"run", "quick.yaml"}).r.exit_code == 0);
  dir.write("slow.yaml", R"yaml(name: slow
steps:
  tick:
    run: |
      echo first
      touch started
      while [ ! -f go ]; do sleep 0.05; done
      echo second
)yaml");
  Background::Options opts;
  opts.cwd = dir.path();
  auto slow = start_wf({"run", "slow.yaml"}, opts);
  REQUIRE(wait_for_file(dir.path() + "/started", 20));

  auto listed = wf_in(dir, {"runs", "slow.yaml"});
  CHECK_THAT(listed.out, Contains("in progress"));
  auto follow = start_wf({"logs", "--file", "slow.yaml", "--follow"}, opts);
  CHECK(follow->wait_for_out("[tick] out| first", 10));
  CHECK(follow->running());
  auto kept = wf_in(dir, {"runs", "slow.yaml", "--prune", "--keep", "0"});
  INFO(kept.out << kept.err);
  CHECK_THAT(kept.out, Contains("removed 0 runs") && Contains("1 in progress, never removed"));

  dir.write("go", "");
  CHECK(slow->wait(20) == 0);
  CHECK(follow->wait(10) == 0);
  CHECK_THAT(follow->out(), Contains("[tick] out| first\n") && Contains("[tick] out| second\n"));

  auto bad = wf_in(dir, {"runs", "quick.yaml", "--prune", "--older-than", "a week"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("invalid age"));
  auto young = wf_in(dir, {"runs", "quick.yaml", "--prune", "--older-than", "7d"});
  CHECK_THAT(young.out, Contains("removed 0 runs"));
  auto pruned = wf_in(dir, {"runs", "quick.yaml", "--prune", "--keep", "1"});
  INFO(pruned.out << pruned.err);
  CHECK(pruned.exit_code == 0);
  CHECK_THAT(pruned.out, Contains("removed 2 runs, freed ") && Contains(" bytes); 1 kept"));
  CHECK(split_lines(wf_in(dir, {"runs", "quick.yaml"}).out).size() == 2);
  CHECK(split_lines(wf_in(dir, {"runs", "slow.yaml"}).out).size() == 2);
}

TEST_CASE("wf runs: a run killed without its end is interrupted", "[e2e][history]") {
  TempDir dir;
  dir.write("hang.yaml", "name: hang\nsteps:\n  wait:\n    run: touch started; sleep 30\n");
  Background::Options opts;
  opts.cwd = dir.path();
  auto wf = start_wf({"run", "hang.yaml"}, opts);
  REQUIRE(wait_for_file(dir.path() + "/started", 20));
  wf->signal_group(SIGKILL);
  wf->wait(10);
  auto r = wf_in(dir, {"runs"});
  INFO(r.out << r.err);
  CHECK_THAT(r.out, Contains("interrupted"));
  auto s = wf_in(dir, {"show"});
  CHECK_THAT(s.out, Contains("wait: not finished (attempt 1)") && Contains("resume with: wf run "));
}

TEST_CASE("wf completion bash: commands and options and step ids and run ids in a real bash", "[e2e][history]") {
  TempDir dir;
  dir.write("flow.yaml", kFlow);
  auto w = wf_run(dir, {"run", "flow.yaml"}, kEnv);
  REQUIRE(w.r.exit_code == 1);
  auto complete = [&](const std::string& words, int cword) {
    std::string script = "PATH=" + wf_binary_dir() + ":$PATH; source <(wf completion bash); COMP_WORDS=(" + words +
                         "); COMP_CWORD=" + std::to_string(cword) + "; _wf; printf '%s\\n' \"${COMPREPLY[@]}\"";
    auto r = run_command({"bash", "-c", script}, dir.path(), {}, 30);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  CHECK_THAT(complete("wf ''", 1), Contains("run\n") && Contains("logs\n") && Contains("completion\n"));
  CHECK_FALSE(complete("wf ''", 1).find("__complete") != std::string::npos);
  CHECK(complete("wf sh", 1) == "show\n");
  CHECK_THAT(complete("wf run flow.yaml --k", 3), Contains("--keep-going"));
  CHECK_THAT(complete("wf logs --", 2), Contains("--follow\n") && Contains("--attempt\n") && Contains("--run\n"));
  CHECK(complete("wf step flow.yaml ''", 3) == "build\ncheck\nafter\n");
  CHECK(complete("wf step flow.yaml c", 3) == "check\n");
  CHECK(complete("wf logs ''", 2) == "build\ncheck\nafter\n");
  CHECK(complete("wf logs --run ''", 3) == id_of(w) + "\n");
  CHECK(complete("wf run flow.yaml --only ''", 4) == "build\ncheck\nafter\n");
  CHECK_THAT(complete("wf run fl", 2), Contains("flow.yaml"));
  CHECK(complete("wf completion ''", 2) == "bash\nzsh\n");
  CHECK_THAT(complete("wf steps ''", 2), Contains("run\n") && Contains("terraform\n"));
}

TEST_CASE("wf completion zsh: the script's function asks wf and hands the words to compadd", "[e2e][history]") {
  auto which = run_command({"bash", "-c", "command -v zsh"}, "", {}, 10);
  INFO("zsh is missing: install it with `apt-get install zsh` (scripts/install-deps.sh does)");
  REQUIRE(which.exit_code == 0);
  TempDir dir;
  dir.write("flow.yaml", kFlow);
  // compadd and _files only work inside zsh's completion widgets: stand-ins
  // print what they were given, after compinit has defined compdef.
  std::string script = "PATH=" + wf_binary_dir() +
                       ":$PATH; autoload -Uz compinit && compinit -u -D; source <(wf completion zsh); "
                       "compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\"; }; _files() { print '(files)'; }; "
                       "words=(wf step flow.yaml ''); CURRENT=4; _wf; words=(wf run fl); CURRENT=3; _wf; "
                       "words=(wf lo); CURRENT=2; _wf; print -r -- ${_comps[wf]}";
  auto r = run_command({"zsh", "-f", "-c", script}, dir.path(), {}, 30);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "build\ncheck\nafter\n(files)\nlogs\n_wf\n");
}
