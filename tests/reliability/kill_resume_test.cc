// Kill anywhere, resume (issue 18, docs/reliability.md): a 20-step workflow
// with outputs, a retried step, a step whose grandchildren run, and a
// gh-dispatch against the GitHub API test server. Each trial SIGKILLs wf at
// a random moment (one per trial), resumes, and checks:
//   - the killed run's journal reads;
//   - no step the killed run recorded as succeeded runs again (each step
//     counts its runs in a file);
//   - when the resume starts, none of the killed run's processes remain
//     (wf stops them by their WF_RUN_ID before running anything);
//   - the resumed run succeeds with the outputs of an uninterrupted run;
//   - exactly one dispatch per trial.
// WF_KILL_TRIALS (default 50) and WF_KILL_SEED (default 1) set the trials;
// the figures are printed and recorded in docs/reliability.md.

#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "runner/exec/state.h"
#include "tests/e2e/run_support.h"
#include "tests/fixtures/github_api/github_api_server.h"

namespace {

using namespace wf::test;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

constexpr int kRunSteps = 18;  // s01..s18, then dispatch, then final

std::string sid(int i) {
  char b[8];
  std::snprintf(b, sizeof b, "s%02d", i);
  return b;
}

// Step i needs i-1 and i-3: chains with some width, so kills land while
// several steps run.
std::vector<int> needs_of(int i) {
  std::vector<int> n;
  if (i > 1) n.push_back(i - 1);
  if (i > 3) n.push_back(i - 3);
  return n;
}

std::string run_step(int i, const std::string& marker) {
  std::string id = sid(i), deps, seen;
  for (int n : needs_of(i)) {
    deps += (deps.empty() ? "" : ", ") + sid(n);
    seen += " ${{ steps." + sid(n) + ".outputs.v }}";
  }
  std::string s = "  " + id + ":\n";
  if (!deps.empty()) s += "    needs: [" + deps + "]\n";
  if (i == 7) s += "    retry: { limit: 3, backoff: { delay: 50ms } }\n";
  s += "    run: |\n      echo run >> \"$COUNTS/" + id + "\"\n";
  if (i == 7) s += "      [ $(( $(wc -l < \"$COUNTS/" + id + "\") % 2 )) = 0 ] || { echo flaky; exit 1; }\n";
  if (i == 10) {
    // Grandchildren: processes the step's shell starts and waits for.
    s += "      sleep 0.6" + marker + " & sleep 0.6" + marker + " & wait\n";
  } else {
    s += "      sleep 0.0" + std::to_string(2 + i % 5) + "\n";
  }
  s += "      echo \"v=$(printf '%s' '" + id + seen + "' | sha1sum | cut -c1-12)\" >> \"$WF_OUTPUT\"\n";
  return s;
}

std::string workflow(const GitHubApiServer& gh, const std::string& marker) {
  std::string w = "name: kill-resume\nsecrets:\n  gh: { env: FIXTURE_TOKEN }\nsteps:\n";
  for (int i = 1; i <= kRunSteps; ++i) w += run_step(i, marker);
  w += "  dispatch:\n"
       "    needs: [s18]\n"
       "    uses: gh-dispatch\n"
       "    with:\n"
       "      repo: octo-org/deploy-repo\n"
       "      workflow: deploy.yaml\n"
       "      ref: main\n"
       "      token: ${{ secrets.gh }}\n"
       "      api-url: " + gh.url() + "\n"
       "      poll-interval: 20ms\n"
       "      request-timeout: 2s\n"
       "      find-run-timeout: 3s\n";
  w += "  final:\n"
       "    needs: [dispatch, s16, s17]\n"
       "    run: |\n"
       "      echo run >> \"$COUNTS/final\"\n"
       "      echo \"v=${{ steps.dispatch.outputs.run-id }}-${{ steps.dispatch.outputs.conclusion }}"
       "-${{ steps.s16.outputs.v }}-${{ steps.s17.outputs.v }}\" >> \"$WF_OUTPUT\"\n";
  w += "outputs:\n  final: ${{ steps.final.outputs.v }}\n";
  return w;
}

std::vector<std::string> all_steps() {
  std::vector<std::string> ids;
  for (int i = 1; i <= kRunSteps; ++i) ids.push_back(sid(i));
  ids.push_back("dispatch");
  ids.push_back("final");
  return ids;
}

// Each step's outputs in a report, without the dispatch's URLs (they hold
// the server's port).
std::map<std::string, std::string> outputs_of(const json& report) {
  std::map<std::string, std::string> out;
  for (const auto& id : all_steps()) {
    json s = step_of(report, id);
    if (s.is_null() || !s.contains("outputs")) continue;
    for (const auto& [k, v] : s["outputs"].items())
      if (k != "run-url" && k != "html-url") out[id + "." + k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  if (report.contains("outputs")) out["workflow.final"] = report["outputs"].value("final", "");
  return out;
}

int count_runs(const std::string& dir, const std::string& id) {
  return static_cast<int>(split_lines(read_file(dir + "/" + id)).size());
}

// Live processes whose environment holds `entry` (e.g. WF_RUN_ID=<id>).
std::vector<int> pids_with_env(const std::string& entry) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string env = read_file(e.path().string() + "/environ");
    for (size_t at = env.find(entry); at != std::string::npos; at = env.find(entry, at + 1)) {
      size_t end = at + entry.size();
      if ((at == 0 || env[at - 1] == '\0') && (end == env.size() || env[end] == '\0')) {
        out.push_back(std::stoi(name));
        break;
      }
    }
  }
  return out;
}

struct Env {
  TempDir dir;
  std::string counts;
  std::map<std::string, std::string> vars;
};

void prepare(Env& e, const GitHubApiServer& gh, const std::string& marker) {
  e.dir.write("wf.yaml", workflow(gh, marker));
  e.counts = e.dir.path() + "/counts";
  fs::create_directories(e.counts);
  e.vars = {{"FIXTURE_TOKEN", gh.token()}, {"COUNTS", e.counts}};
}

RunScript quick_run() { return RunScript{1, 2, "success", milliseconds(0)}; }

// What one trial found; empty `failure` when every check held.
struct Trial {
  double kill_at = 0;
  int resumed_steps = 0;  // steps the resume ran again
  int left_processes = 0;
  std::string failure;
};

// Starts the resume and, as soon as its run folder appears (after wf
// stopped the dead run's processes), looks for what the dead run left.
WfRun resume(Env& e, const std::string& dead_run, Trial& t) {
  Background::Options opts;
  opts.cwd = e.dir.path();
  opts.env = e.vars;
  size_t before = run_dirs(e.dir.path() + "/.wf").size();
  auto wf = start_wf({"run", "wf.yaml", "--resume"}, opts);
  auto start = std::chrono::steady_clock::now();
  while (run_dirs(e.dir.path() + "/.wf").size() == before && wf->running() && seconds_since(start) < 30)
    std::this_thread::sleep_for(milliseconds(2));
  t.left_processes = static_cast<int>(pids_with_env("WF_RUN_ID=" + dead_run).size());
  WfRun w;
  w.r.exit_code = wf->wait(60);
  w.r.out = wf->out();
  w.r.err = wf->err();
  auto runs = run_dirs(e.dir.path() + "/.wf");
  if (!runs.empty()) {
    w.run_dir = runs.back();
    w.report = parse_or_discarded(read_file(w.run_dir + "/report.json"));
  }
  return w;
}

// The steps a journal records as succeeded.
std::set<std::string> succeeded(const wf::exec::JournalState& j) {
  std::set<std::string> ids;
  for (const auto& [id, s] : j.steps)
    if (s.outcome == "success") ids.insert(id);
  return ids;
}

Trial run_trial(double kill_at, const std::map<std::string, std::string>& expected, const std::string& marker,
                bool wait_for_grandchildren) {
  Trial t;
  t.kill_at = kill_at;
  GitHubApiServer gh;
  gh.set_run_script(quick_run());
  Env e;
  prepare(e, gh, marker);
  Background::Options opts;
  opts.cwd = e.dir.path();
  opts.env = e.vars;
  auto wf = start_wf({"run", "wf.yaml"}, opts);
  auto start = std::chrono::steady_clock::now();
  if (wait_for_grandchildren) {
    while (pids_with_marker(marker).size() < 2 && wf->running() && seconds_since(start) < 30)
      std::this_thread::sleep_for(milliseconds(2));
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(kill_at));
  }
  t.kill_at = seconds_since(start);
  wf->signal(SIGKILL);  // wf alone: its steps' processes live on
  wf->wait(10);
  auto dirs = run_dirs(e.dir.path() + "/.wf");
  if (dirs.empty()) return t;  // killed before its journal existed: nothing to check but the resume
  auto dead = wf::exec::read_journal(dirs.back() + "/journal.jsonl");
  if (!dead) {
    t.failure = "the killed run's journal does not read: " + dead.error();
    return t;
  }
  std::map<std::string, int> runs_before;
  for (const auto& id : all_steps()) runs_before[id] = count_runs(e.counts, id);
  WfRun r = resume(e, dead->run_id, t);
  if (t.left_processes > 0)
    t.failure += std::to_string(t.left_processes) + " processes of the killed run still ran when the resume started; ";
  if (r.r.exit_code != 0) t.failure += "the resume failed (exit " + std::to_string(r.r.exit_code) + "): " + r.r.err + "; ";
  for (const auto& id : succeeded(*dead))
    if (count_runs(e.counts, id) != runs_before[id]) t.failure += id + " succeeded before the kill and ran again; ";
  for (const auto& id : all_steps()) t.resumed_steps += count_runs(e.counts, id) > runs_before[id];
  if (outputs_of(r.report) != expected) t.failure += "the outputs differ from an uninterrupted run; ";
  if (gh.dispatches() != 1) t.failure += std::to_string(gh.dispatches()) + " dispatches; ";
  return t;
}

double env_number(const char* name, double fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::stod(v) : fallback;
}

}  // namespace

TEST_CASE("kill anywhere: SIGKILL at random moments, then --resume, never runs a succeeded step twice",
          "[e2e][reliability]") {
  std::string marker = unique_marker();
  MarkerSweeper sweep(marker);
  // The uninterrupted run: its outputs and its duration.
  double full = 0;
  std::map<std::string, std::string> expected;
  {
    GitHubApiServer gh;
    gh.set_run_script(quick_run());
    Env e;
    prepare(e, gh, marker);
    WfRun r = wf_run(e.dir, {"run", "wf.yaml"}, e.vars);
    INFO(r.all());
    REQUIRE(r.r.exit_code == 0);
    full = r.seconds;
    expected = outputs_of(r.report);
    REQUIRE(expected.size() == kRunSteps + 3 + 1);  // s01..s18, run-id, conclusion, final, workflow.final
    REQUIRE(gh.dispatches() == 1);
  }
  const int trials = static_cast<int>(env_number("WF_KILL_TRIALS", 50));
  std::mt19937 rng(static_cast<unsigned>(env_number("WF_KILL_SEED", 1)));
  std::uniform_real_distribution<double> when(0.0, full);
  int failures = 0, resumed = 0;
  for (int i = 0; i < trials; ++i) {
    Trial t = run_trial(when(rng), expected, marker, false);
    resumed += t.resumed_steps;
    if (!t.failure.empty()) {
      ++failures;
      UNSCOPED_INFO("trial " << i + 1 << " (killed at " << t.kill_at << " s): " << t.failure);
    }
  }
  std::printf("kill-resume: %d trials over a %.2f s run, %d failures, %d step runs repeated by resumes\n", trials,
              full, failures, resumed);
  CHECK(failures == 0);
}

TEST_CASE("kill anywhere: a resume first stops the grandchildren the killed run left running",
          "[e2e][reliability]") {
  std::string marker = unique_marker();
  MarkerSweeper sweep(marker);
  GitHubApiServer gh;
  gh.set_run_script(quick_run());
  std::map<std::string, std::string> expected;
  {
    Env e;
    prepare(e, gh, marker);
    WfRun r = wf_run(e.dir, {"run", "wf.yaml"}, e.vars);
    REQUIRE(r.r.exit_code == 0);
    expected = outputs_of(r.report);
  }
  Trial t = run_trial(0, expected, marker, true);
  INFO(t.failure);
  CHECK(t.left_processes == 0);
  CHECK(t.failure.empty());
}
