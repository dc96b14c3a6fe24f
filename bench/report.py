#!/usr/bin/env python3
"""Markdown tables of bench/bench.py's measurements, with issue 17's goals.

    bench/report.py RESULTS.json [MORE.json ...]

Each file is one `bench/run.sh --json FILE`; several are merged (a case
measured in a later file replaces an earlier one), e.g. the small cases at
5 repetitions and the 10k-step case at 1.
"""

import json
import sys

MIB = 1 << 20
DAG_TOOLS = ["wf", "ninja", "make", "ninja-direct", "make-direct"]
CASE_TITLE = {"P1": "P1: {n:,} independent `true` steps", "P2": "P2: chain of {n:,} `true` steps",
              "P3": "P3: sleep DAG, critical path {cp:.2f} s", "S1k": "scaling: {n:,} independent",
              "S5k": "scaling: {n:,} independent", "S10k": "scaling: {n:,} independent"}


def secs(x):
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def ratio(a, b):
    return a / b if b > 0 else float("inf")


def cell(t, tool, fmt):
    return fmt(t[tool]) if tool in t else "—"


def dag_table(results, reps):
    rows = ["| case | -j | runs | wf | ninja | make | ninja-direct | make-direct | wf / ninja | wf / ninja-direct "
            "| peak RSS wf | peak RSS ninja |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        if name not in CASE_TITLE:
            continue
        t = r["tools"]
        wf = t["wf"]["median"]
        title = CASE_TITLE[name].format(n=r["steps"], cp=r["critical_path"])
        cells = [cell(t, k, lambda v: secs(v["median"])) for k in DAG_TOOLS]
        cells.append(cell(t, "ninja", lambda v: f"**{ratio(wf, v['median']):.2f}×**"))
        cells.append(cell(t, "ninja-direct", lambda v: f"{ratio(wf, v['median']):.2f}×"))
        cells += [cell(t, k, lambda v: f"{v['peak_rss'] / MIB:.1f} MiB") for k in ("wf", "ninja")]
        rows.append(f"| {title} | {r['jobs']} | {r.get('reps', reps)} | " + " | ".join(cells) + " |")
    return rows


def log_table(r):
    t = r["tools"]
    return ["| P4: one step printing | wf (stdout to /dev/null) | bash script \\| cat > /dev/null | wf / pipe throughput |",
            "|---|---:|---:|---:|",
            f"| {r['bytes'] / MIB:,.0f} MiB of 100-byte lines, one secret | {secs(t['wf']['median'])}, "
            f"{t['wf']['mb_per_s']:.0f} MB/s | {secs(t['bash-pipe']['median'])}, {t['bash-pipe']['mb_per_s']:.0f} MB/s | "
            f"**{ratio(t['wf']['mb_per_s'], t['bash-pipe']['mb_per_s']):.2f}** |"]


def startup_table(r):
    t = r["tools"]
    rows = [f"| P5 (mean of {r['runs']} runs) | ms |", "|---|---:|"]
    for k, v in t.items():
        rows.append(f"| `{k}`{' workflows/deploy-testnet.yaml' if k == 'wf validate' else ''} | {v['mean_ms']:.1f} |")
    return rows


def goals(results):
    """(goal, measured, target, pass or None) rows for the goals whose cases ran."""
    out = []
    med = lambda c, tool: results[c]["tools"][tool]["median"]  # noqa: E731
    for c in ("P1", "P2"):
        tools = results[c]["tools"] if c in results else {}
        if "ninja" in tools:
            x = ratio(med(c, "wf"), med(c, "ninja"))
            out.append((f"{c}: wf / ninja running wf's command (bash script)", f"{x:.2f}×", "≤ 1.5×", x <= 1.5))
        if "ninja-direct" in tools:
            y = ratio(med(c, "wf"), med(c, "ninja-direct"))
            out.append((f"{c}: wf / ninja running `true` directly", f"{y:.2f}×", "(reported)", None))
    if "S1k" in results and "S10k" in results and results["S1k"]["steps"] > 0:
        s1, s10 = results["S1k"], results["S10k"]
        steps = s10["steps"] / s1["steps"]
        x = ratio(med("S10k", "wf"), med("S1k", "wf"))
        out.append((f"time linear: wf at {s10['steps']:,} / at {s1['steps']:,} steps", f"{x:.2f}×",
                    f"≤ {steps * 1.05:.1f}×", x <= steps * 1.05))
    if "S10k" in results:
        rss = results["S10k"]["tools"]["wf"]["peak_rss"] / MIB
        out.append((f"peak RSS of wf at {results['S10k']['steps']:,} steps", f"{rss:.1f} MiB", "≤ 50 MiB", rss <= 50))
    if "P3" in results:
        over = (med("P3", "wf") - results["P3"]["critical_path"]) * 1000
        out.append(("P3: wf's makespan − critical path", f"{over:+.0f} ms", "≤ 20 ms", over <= 20))
    if "P4" in results:
        t = results["P4"]["tools"]
        x = ratio(t["wf"]["mb_per_s"], t["bash-pipe"]["mb_per_s"])
        out.append(("P4: wf's log throughput / a plain pipe's", f"{x:.2f}", "≥ 0.50", x >= 0.5))
    if "P5" in results:
        t = results["P5"]["tools"]
        out.append(("P5: `wf validate` deploy-testnet", f"{t['wf validate']['mean_ms']:.1f} ms", "≤ 5 ms",
                    t["wf validate"]["mean_ms"] <= 5))
        out.append(("P5: `wf --version`", f"{t['wf --version']['mean_ms']:.1f} ms", "≤ 2 ms",
                    t["wf --version"]["mean_ms"] <= 2))
    return out


def goal_table(results, quick):
    rows = ["| goal (issue 17) | measured | target | met |", "|---|---:|---:|:---:|"]
    for goal, measured, target, ok in goals(results):
        verdict = "—" if ok is None else ("yes" if ok else "**no**")
        if quick and ok is not None:
            verdict += " (quick)"
        rows.append(f"| {goal} | {measured} | {target} | {verdict} |")
    return rows


def markdown(meta, results):
    out = [f"wf: `{meta['wf']}` ({meta['version']}); ninja {meta['ninja']}; {meta['make']}; "
           f"{meta['nproc']} cores; median of the interleaved runs; {meta['date']}; "
           f"load average {meta['load_before']} before, {meta['load_after']} after."]
    ninja_ms = results.get("P5", {}).get("tools", {}).get("ninja --version", {}).get("mean_ms")
    if ninja_ms is not None and ninja_ms > 3:
        out.append(f"**Loaded machine: `ninja --version` took {ninja_ms:.1f} ms (about 1.5 ms when idle). Process "
                   "starts dominate every tool's time, so the ratios of P1, P2 and the scaling cases, and P3 and P5 "
                   "against their absolute targets, say little; rerun on an idle machine.**")
    if meta.get("quick"):
        out.append("**--quick: tiny sizes, a smoke run; these numbers say nothing about the goals.**")
    out.append("")
    if any(c in results for c in CASE_TITLE):
        out += dag_table(results, meta["reps"]) + [""]
    if "P4" in results:
        out += log_table(results["P4"]) + [""]
    if "P5" in results:
        out += startup_table(results["P5"]) + [""]
    out += goal_table(results, meta.get("quick"))
    return "\n".join(out)


def merge(files):
    meta, results = None, {}
    for path in files:
        with open(path) as f:
            data = json.load(f)
        for r in data["results"].values():
            r.setdefault("reps", data["meta"]["reps"])
        if meta is None:
            meta = data["meta"]
        else:
            meta["load_after"] = data["meta"]["load_after"]
            meta["date"] += " to " + data["meta"]["date"]
        results.update(data["results"])
    order = ["P1", "P2", "P3", "S1k", "S5k", "S10k", "P4", "P5"]
    return meta, {k: results[k] for k in sorted(results, key=lambda k: order.index(k) if k in order else 99)}


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(markdown(*merge(sys.argv[1:])))
