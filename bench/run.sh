#!/usr/bin/env bash
# Issue 17's benchmark: wf against ninja and make on the same DAGs (P1-P3,
# scaling), wf's log throughput against a plain pipe (P4), start-up (P5).
# Prints Markdown tables and which of the issue's goals are met.
#
#   bench/run.sh [--reps N] [--quick] [--cases P1,P2,P3,S1k,S5k,S10k,P4,P5] [--json FILE]
#
# Measures WF=/path/to/wf if set; otherwise builds a Release wf in
# build-release (ccache) and measures that. The options go to bench/bench.py
# (--help lists them all). Needs python3, ninja, make and bash.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in python3 ninja make cmake; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found on PATH (install: scripts/install-deps.sh)" >&2; exit 1; }
done
if [[ -z "${WF:-}" ]]; then
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}" >&2
  ninja -C build-release wf >&2
  WF=build-release/runner/cli/wf
fi
exec python3 bench/bench.py --wf "$WF" "$@"
