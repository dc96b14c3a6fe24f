#!/usr/bin/env python3
"""bench/gen.py writes the same DAG for wf, ninja and make (not a timing test).

    check_gen.py --wf PATH --gen bench/gen.py

For each shape at a small size: `wf validate` accepts the workflow; `ninja -n`
and `make -n` accept the build files; the steps and the edges that `wf graph`,
`ninja -t query` and `make -p` read back are those of dag.json; each ninja and
make step runs what wf runs for it (bash on the step's script file, whose text
is the step's `run:`), or the command itself in the direct variants. Exits 1
with every mismatch listed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BASH = "bash --noprofile --norc -eo pipefail"
SHAPES = [("indep", 6), ("chain", 5), ("sleep", 0), ("log", 1)]
problems = []


def check(ok, what):
    if not ok:
        problems.append(what)
    return ok


def run(argv, cwd, env=None):
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    check(p.returncode == 0, f"{' '.join(argv)} (in {cwd}) exited {p.returncode}: {p.stderr.strip()[-500:]}")
    return p.stdout


def wf_graph(wf, folder):
    dot = run([wf, "graph", "workflow.yaml"], folder)
    nodes = re.findall(r'^  "([^"]+)" \[label=', dot, re.M)
    edges = re.findall(r'^  "([^"]+)" -> "([^"]+)";', dot, re.M)
    return nodes, sorted(list(e) for e in edges)


def ninja_graph(folder, file, nodes):
    """Steps (edges of rule `step`), their inputs and their commands, as ninja reads them."""
    targets = run(["ninja", "-f", file, "-t", "targets", "all"], folder)
    steps = [line.split(":")[0] for line in targets.splitlines() if line.endswith(": step")]
    edges, commands = [], {}
    for s in steps:
        query = run(["ninja", "-f", file, "-t", "query", s], folder)
        inputs = query.split("input: step\n", 1)[-1].split("  outputs:", 1)[0].split()
        edges += [[i, s] for i in inputs]
        commands[s] = run(["ninja", "-f", file, "-t", "commands", "-s", s], folder).strip()
    dry = run(["ninja", "-f", file, "-n"], folder)
    check(f"[{len(nodes)}/{len(nodes)}]" in dry, f"ninja -n -f {file}: not {len(nodes)} commands:\n{dry[-300:]}")
    return steps, sorted(edges), commands


def make_graph(folder, file, nodes):
    """Targets of the step ids, their prerequisites and recipes, from make's database."""
    db = run(["make", "-f", file, "-p", "-n"], folder)
    steps, edges, commands = [], [], {}
    for block in db.split("\n\n"):
        lines = block.strip("\n").splitlines()
        m = re.match(r"^([A-Za-z0-9_-]+):(.*)$", lines[0]) if lines else None
        if not m or m.group(1) not in nodes:
            continue
        steps.append(m.group(1))
        edges += [[p, m.group(1)] for p in m.group(2).split()]
        commands[m.group(1)] = "\n".join(line[1:] for line in lines if line.startswith("\t"))
    dry = run(["make", "-f", file, "-n"], folder)
    check(len(dry.splitlines()) == len(nodes), f"make -n -f {file}: {len(dry.splitlines())} commands, not {len(nodes)}")
    return steps, sorted(edges), commands


def check_shape(wf, gen, shape, n, root):
    folder = os.path.join(root, shape)
    run([sys.executable, gen, shape, str(n), folder, "--log-bytes", "1000"], root)
    if not os.path.exists(os.path.join(folder, "dag.json")):
        return
    with open(os.path.join(folder, "dag.json")) as f:
        dag = json.load(f)
    nodes, edges = dag["nodes"], sorted(dag["edges"])
    check(len(nodes) >= max(n, 1), f"{shape}: {len(nodes)} steps for n={n}")
    run([wf, "validate", "workflow.yaml"], folder)
    got = wf_graph(wf, folder)
    check(got == (nodes, edges), f"{shape}: wf graph {got} != dag.json {(nodes, edges)}")
    wf_text = open(os.path.join(folder, "workflow.yaml")).read()
    for file, reader, direct in [("build.ninja", ninja_graph, False), ("direct.ninja", ninja_graph, True),
                                 ("Makefile", make_graph, False), ("direct.mk", make_graph, True)]:
        steps, got_edges, commands = reader(folder, file, nodes)
        check(sorted(steps) == sorted(nodes), f"{shape}/{file}: steps {steps} != {nodes}")
        check(got_edges == edges, f"{shape}/{file}: edges {got_edges} != {edges}")
        for s in nodes:
            script = open(os.path.join(folder, "scripts", f"{s}.sh")).read()
            check(script.endswith("\n") and ("'" + script[:-1].replace("'", "''") + "'") in wf_text,
                  f"{shape}: scripts/{s}.sh is not the `run:` of step {s}")
            want = script[:-1] if direct else f"{BASH} scripts/{s}.sh"
            check(commands.get(s) == want, f"{shape}/{file}: step {s} runs {commands.get(s)!r}, not {want!r}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wf", required=True)
    p.add_argument("--gen", required=True)
    a = p.parse_args()
    for tool in ("ninja", "make"):
        if shutil.which(tool) is None:
            print(f"{tool} not found on PATH (install: apt-get install ninja-build make)")
            return 1
    with tempfile.TemporaryDirectory(prefix="wf-bench-gen-") as root:
        for shape, n in SHAPES:
            check_shape(os.path.abspath(a.wf), os.path.abspath(a.gen), shape, n, root)
    for line in problems:
        print("FAIL:", line)
    print(f"{len(SHAPES)} shapes checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
