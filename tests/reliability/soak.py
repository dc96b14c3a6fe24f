#!/usr/bin/env python3
"""Soak (issue 18, docs/reliability.md): many consecutive `wf run`s, checking
that nothing accumulates.

    tests/reliability/soak.py --wf PATH [--quickstart N] [--big N] [--keep K]

Runs examples/quickstart.yaml N times, then a generated 200-step workflow
(bench/gen.py, 200 independent steps) N times, each with `wf run --keep K`,
in a scratch copy with its own TMPDIR. For every run it records wf's peak
RSS (GNU time), the most file descriptors wf held (sampled from /proc while
it runs), the descriptors a step inherits, and the size of .wf/ afterwards.
It fails (exit 1, saying which) when:
  - a run does not end as expected (quickstart: 0; 200 steps: 0);
  - the last tenth's peak RSS or a step's descriptors grow beyond the first
    tenth's (+10% / +0), or wf ever holds more than 64 descriptors;
  - .wf/ grows after the first K runs by more than one run's worth;
  - any process of a finished run is still alive (its WF_RUN_ID);
  - anything is left in the private TMPDIR.
Prints one summary line per workflow. Python 3 standard library only.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FD_BOUND = 64  # descriptors wf may hold at once with -j 2
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def dir_size(path):
    total = 0
    for base, _, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(base, f)).st_size
            except OSError:
                pass
    return total


def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return 0


def pids_with_env(entry):
    entry = entry.encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open("/proc/%s/environ" % name, "rb") as f:
                if entry in f.read().split(b"\0"):
                    found.append(int(name))
        except OSError:
            pass
    return found


def one_run(wf, workflow, cwd, env, keep):
    """Runs wf once; returns (exit code, peak RSS KiB, max fds, run id, stderr)."""
    rss_file = os.path.join(cwd, ".rss")
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file, wf, "run", workflow, "--keep", str(keep), "-j", "2"]
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    max_fds = 0
    wf_pid = None
    while proc.poll() is None:
        if wf_pid is None:
            try:  # /usr/bin/time's only child is wf
                with open("/proc/%d/task/%d/children" % (proc.pid, proc.pid)) as f:
                    kids = f.read().split()
                wf_pid = int(kids[0]) if kids else None
            except OSError:
                pass
        if wf_pid is not None:
            max_fds = max(max_fds, fd_count(wf_pid))
        time.sleep(0.02)
    err = proc.stderr.read().decode(errors="replace")
    with open(rss_file) as f:
        rss = int(f.read().strip().splitlines()[-1])
    m = re.search(r"wf: run (\S+) of", err)
    return proc.returncode, rss, max_fds, m.group(1) if m else "", err


def step_fds(state_dir):
    """The descriptors the probe step reported in the newest run's log."""
    runs = sorted(os.listdir(os.path.join(state_dir, "runs")))
    log = os.path.join(state_dir, "runs", runs[-1], "logs", "fds.1.log")
    try:
        with open(log) as f:
            m = re.search(r"fds=(\d+)", f.read())
        return int(m.group(1)) if m else -1
    except OSError:
        return -1


def grows(first, last, slack):
    return max(last) > max(first) + slack


def soak(args, name, workflow, cwd, count, env):
    state = os.path.join(cwd, ".wf")
    rss, fds, inherited, sizes, problems = [], [], [], [], []
    for i in range(count):
        code, peak, nfd, run_id, err = one_run(args.wf, workflow, cwd, env, args.keep)
        if code != 0:
            problems.append("run %d exited %d: %s" % (i + 1, code, err.strip()[-400:]))
            break
        rss.append(peak)
        fds.append(nfd)
        inherited.append(step_fds(state))
        sizes.append(dir_size(state))
        left = pids_with_env("WF_RUN_ID=" + run_id) if run_id else []
        if left:
            problems.append("run %d (%s) left processes %s" % (i + 1, run_id, left))
    tenth = max(1, len(rss) // 10)
    if rss:
        if grows(rss[:tenth], rss[-tenth:], max(rss[:tenth]) // 10):
            problems.append("peak RSS grew: %d -> %d KiB" % (max(rss[:tenth]), max(rss[-tenth:])))
        # Each run is a new process: what matters is that a run holds a
        # bounded number, whatever its step count (a leak per step would show
        # as hundreds at 200 steps). The number sampled varies with how many
        # steps run at the moment of the sample.
        if max(fds) > FD_BOUND:
            problems.append("wf held %d descriptors (bound %d)" % (max(fds), FD_BOUND))
        if grows(inherited[:tenth], inherited[-tenth:], 0) or min(inherited) < 0:
            problems.append("a step's descriptors changed: %s" % sorted(set(inherited)))
        settled = sizes[min(args.keep, len(sizes) - 1):]
        per_run = max(sizes[0], 1)
        if max(settled) - min(settled) > per_run + 4096:
            problems.append(".wf/ grew from %d to %d bytes" % (min(settled), max(settled)))
    print("soak: %s: %d runs, peak RSS %d-%d KiB, wf fds max %d, step fds %s, .wf/ %d KiB at the end%s"
          % (name, len(rss), min(rss or [0]), max(rss or [0]), max(fds or [0]), sorted(set(inherited)),
             (sizes[-1] if sizes else 0) // 1024, "" if not problems else ", FAILED"))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wf", required=True, help="the wf binary")
    ap.add_argument("--quickstart", type=int, default=1000, help="runs of examples/quickstart.yaml")
    ap.add_argument("--big", type=int, default=100, help="runs of a 200-step workflow")
    ap.add_argument("--keep", type=int, default=20, help="wf run --keep K")
    args = ap.parse_args()
    args.wf = os.path.abspath(args.wf)
    if not os.path.exists("/usr/bin/time"):
        sys.exit("soak: /usr/bin/time not found (install: apt-get install time)")
    work = tempfile.mkdtemp(prefix="wf-soak-")
    tmp = os.path.join(work, "tmp")
    os.makedirs(tmp)
    env = dict(os.environ, TMPDIR=tmp)
    for var in ("GITHUB_ACTIONS", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "KUBERNETES_SERVICE_HOST"):
        env.pop(var, None)
    problems = []
    try:
        quick = os.path.join(work, "quick")
        os.makedirs(quick)
        with open(os.path.join(ROOT, "examples", "quickstart.yaml")) as f:
            text = f.read()
        # A probe: the descriptors a step inherits from wf.
        text = text.replace("\nsteps:\n", "\nsteps:\n  fds:\n    run: echo \"fds=$(ls /proc/self/fd | wc -l)\"\n", 1)
        with open(os.path.join(quick, "quickstart.yaml"), "w") as f:
            f.write(text)
        problems += soak(args, "quickstart", "quickstart.yaml", quick, args.quickstart, env)

        big = os.path.join(work, "big")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), "indep", "199", big], check=True,
                       stdout=subprocess.DEVNULL)
        path = os.path.join(big, "workflow.yaml")
        with open(path) as f:
            text = f.read()
        text = text.replace("\nsteps:\n", "\nsteps:\n  fds:\n    run: echo \"fds=$(ls /proc/self/fd | wc -l)\"\n", 1)
        with open(path, "w") as f:
            f.write(text)
        problems += soak(args, "200 steps", "workflow.yaml", big, args.big, env)

        left = os.listdir(tmp)
        if left:
            problems.append("left in TMPDIR: %s" % left[:10])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for p in problems:
        print("soak: FAILED: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
