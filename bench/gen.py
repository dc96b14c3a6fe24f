#!/usr/bin/env python3
"""Writes one DAG as a wf workflow, two build.ninja files and two Makefiles.

    bench/gen.py SHAPE N OUTDIR [--log-bytes BYTES]

SHAPE:
  indep   N independent steps, each `true`                      (P1, scaling)
  chain   a chain of N `true` steps                              (P2)
  sleep   a ragged DAG of sleeps whose critical path is 0.55 s;
          N is ignored; never more than 8 steps ready at once    (P3)
  log     one step printing --log-bytes of 100-byte text lines,
          one secret declared (WF_BENCH_SECRET); N is ignored    (P4)

OUTDIR receives:
  workflow.yaml       the wf workflow (`run:` steps)
  scripts/ID.sh       each step's script exactly as wf writes it for a `run:`
                      step (the text plus a newline, mode 0600)
  build.ninja         each step runs `bash --noprofile --norc -eo pipefail
  Makefile            scripts/ID.sh`: the command wf runs for a `run:` step
  direct.ninja        each step runs its command itself (`true`, `sleep 0.3`)
  direct.mk
  dag.json            {"nodes": [...], "edges": [[from, to], ...],
                       "critical_path": seconds, "sleep": {id: seconds}}

Python 3 standard library only.
"""

import argparse
import json
import os
import sys

BASH = "bash --noprofile --norc -eo pipefail"  # steps/run/run_step.cc shell_argv("bash")
SECRET_ENV = "WF_BENCH_SECRET"
LINE = ("the quick brown fox jumps over the lazy dog " * 3)[:99]  # + newline = 100 bytes


class Dag:
    """Steps in topological order: id -> (command, needs)."""

    def __init__(self, name):
        self.name = name
        self.steps = {}
        self.secret = False

    def add(self, sid, command, needs=()):
        for n in needs:
            if n not in self.steps:
                raise ValueError(f"{sid} needs {n}, which comes later or does not exist")
        self.steps[sid] = (command, list(needs))

    def edges(self):
        return [[n, sid] for sid, (_, needs) in self.steps.items() for n in needs]

    def sleeps(self):
        out = {}
        for sid, (cmd, _) in self.steps.items():
            words = cmd.split()
            out[sid] = float(words[1]) if len(words) == 2 and words[0] == "sleep" else 0.0
        return out

    def critical_path(self):
        cost, finish = self.sleeps(), {}
        for sid, (_, needs) in self.steps.items():  # insertion order is topological
            finish[sid] = cost[sid] + max((finish[n] for n in needs), default=0.0)
        return round(max(finish.values(), default=0.0), 6)


def shape_indep(n):
    dag = Dag(f"indep-{n}")
    for i in range(n):
        dag.add(f"s{i}", "true")
    return dag


def shape_chain(n):
    dag = Dag(f"chain-{n}")
    for i in range(n):
        dag.add(f"s{i}", "true", [f"s{i - 1}"] if i else [])
    return dag


def shape_sleep(_n):
    """Four lanes of different rhythm (a long step early or late, many short
    ones), four pairs of short fillers, and a join: critical path 0.45 + 0.10.
    A scheduler that ran waves of equal depth would take 0.3 + 0.3 + 3 x 0.1.
    At most 8 steps are ever ready together, so `-j 8` never delays one."""
    dag = Dag("sleep-dag")
    lanes = {"a": [0.30, 0.15], "b": [0.15, 0.30], "c": [0.10, 0.10, 0.10, 0.10], "d": [0.20, 0.20]}
    ends = []
    for lane, secs in lanes.items():
        for i, s in enumerate(secs):
            dag.add(f"{lane}{i}", f"sleep {s:g}", [f"{lane}{i - 1}"] if i else [])
        ends.append(f"{lane}{len(secs) - 1}")
    for f in range(4):
        dag.add(f"f{f}a", "sleep 0.05")
        dag.add(f"f{f}b", "sleep 0.05", [f"f{f}a"])
    dag.add("join", "sleep 0.1", ends)
    return dag


def shape_log(nbytes):
    """`yes` stops on SIGPIPE when head has enough: `|| true` keeps that from
    failing the script under -e and pipefail."""
    dag = Dag("log")
    dag.add("print", f"{{ yes '{LINE}' || true; }} | head -c {nbytes}")
    dag.secret = True
    return dag


def yaml_quote(s):
    return "'" + s.replace("'", "''") + "'"


def write_workflow(dag, path):
    out = [f"name: {dag.name}"]
    if dag.secret:
        out += ["secrets:", f"  token: {{ env: {SECRET_ENV} }}"]
    out.append("steps:")
    for sid, (cmd, needs) in dag.steps.items():
        out.append(f"  {sid}:")
        if needs:
            out.append(f"    needs: [{', '.join(needs)}]")
        out.append(f"    run: {yaml_quote(cmd)}")
    write(path, "\n".join(out) + "\n")


def write_ninja(dag, path, direct):
    out = [f"# {dag.name}: written by bench/gen.py", "rule step"]
    out.append("  command = $cmd")
    for sid, (cmd, needs) in dag.steps.items():
        out.append(f"build {sid}: step {' '.join(needs)}".rstrip())
        out.append("  cmd = " + (cmd if direct else f"{BASH} scripts/{sid}.sh").replace("$", "$$"))
    out.append(f"build all: phony {' '.join(dag.steps)}")
    out.append("default all")
    write(path, "\n".join(out) + "\n")


def write_make(dag, path, direct):
    out = [f"# {dag.name}: written by bench/gen.py", "MAKEFLAGS += --no-builtin-rules", ".SUFFIXES:", ".SILENT:"]
    out.append(f".PHONY: all {' '.join(dag.steps)}")
    out.append(f"all: {' '.join(dag.steps)}")
    for sid, (cmd, needs) in dag.steps.items():
        out.append(f"{sid}: {' '.join(needs)}".rstrip())
        out.append("\t" + (cmd if direct else f"{BASH} scripts/{sid}.sh").replace("$", "$$"))
    write(path, "\n".join(out) + "\n")


def write_scripts(dag, folder):
    os.makedirs(folder, exist_ok=True)
    for sid, (cmd, _) in dag.steps.items():
        fd = os.open(os.path.join(folder, f"{sid}.sh"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(cmd + "\n")  # what RunStep::run writes: the script and a newline


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def generate(shape, n, outdir, log_bytes=1 << 30):
    shapes = {"indep": shape_indep, "chain": shape_chain, "sleep": shape_sleep}
    dag = shape_log(log_bytes) if shape == "log" else shapes[shape](n)
    os.makedirs(outdir, exist_ok=True)
    write_workflow(dag, os.path.join(outdir, "workflow.yaml"))
    write_scripts(dag, os.path.join(outdir, "scripts"))
    write_ninja(dag, os.path.join(outdir, "build.ninja"), direct=False)
    write_ninja(dag, os.path.join(outdir, "direct.ninja"), direct=True)
    write_make(dag, os.path.join(outdir, "Makefile"), direct=False)
    write_make(dag, os.path.join(outdir, "direct.mk"), direct=True)
    info = {"name": dag.name, "nodes": list(dag.steps), "edges": dag.edges(),
            "critical_path": dag.critical_path(), "sleep": dag.sleeps()}
    write(os.path.join(outdir, "dag.json"), json.dumps(info, indent=1) + "\n")
    return info


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shape", choices=["indep", "chain", "sleep", "log"])
    p.add_argument("n", type=int)
    p.add_argument("outdir")
    p.add_argument("--log-bytes", type=int, default=1 << 30)
    a = p.parse_args(argv)
    info = generate(a.shape, a.n, a.outdir, a.log_bytes)
    print(f"{a.outdir}: {len(info['nodes'])} steps, {len(info['edges'])} edges, "
          f"critical path {info['critical_path']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
