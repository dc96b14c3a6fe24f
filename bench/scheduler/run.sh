#!/usr/bin/env bash
# Scheduler overhead of `wf run` on real processes (issue 3: "a DAG of sleeping
# steps takes its critical path plus a few milliseconds per step").
#
#   bench/scheduler/run.sh [path/to/wf]       (default: build/runner/cli/wf)
#
# Three workflows, each run REPS times; reports the median wall time, the
# critical path (the sum of sleeps along the longest chain) and the overhead
# per step = (wall - critical path) / steps. Writes a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
wf=$(realpath "${1:-build/runner/cli/wf}")
reps=${REPS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# waves: D waves of W parallel steps, each needing every step of the wave before.
make_waves() {  # W D SLEEP
  local w=$1 d=$2 s=$3
  echo "name: waves-${w}x${d}"
  echo "steps:"
  for ((i = 0; i < d; i++)); do
    for ((j = 0; j < w; j++)); do
      echo "  s${i}_${j}:"
      if ((i > 0)); then
        printf '    needs: ['
        for ((k = 0; k < w; k++)); do printf 's%d_%d%s' $((i - 1)) $k "$([[ $k -lt $((w - 1)) ]] && echo ', ')"; done
        echo ']'
      fi
      echo "    run: sleep $s"
    done
  done
}

# ragged: a long chain beside short ones; a scheduler that waits for whole waves
# takes the sum of each wave's longest step instead of the critical path.
make_ragged() {
  cat <<'YAML'
name: ragged
steps:
  a1: { run: sleep 0.6 }
  a2: { needs: [a1], run: sleep 0.2 }
  b1: { run: sleep 0.2 }
  b2: { needs: [b1], run: sleep 0.6 }
  c: { needs: [a2, b2], run: sleep 0.1 }
YAML
}

# chain: N steps of `true` in a row: pure per-step cost (spawn, journal fsyncs, logs).
make_chain() {  # N
  echo "name: chain-$1"
  echo "steps:"
  echo "  s0: { run: 'true' }"
  for ((i = 1; i < $1; i++)); do echo "  s$i: { needs: [s$((i - 1))], run: 'true' }"; done
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

measure() {  # NAME FILE STEPS CRITICAL_SECONDS
  local name=$1 file=$2 steps=$3 critical=$4 times=()
  for ((r = 0; r < reps; r++)); do
    rm -rf "$work/.wf"
    local t0 t1
    t0=$(date +%s%N)
    "$wf" run "$file" -j 8 > /dev/null
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000000)))
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | median)
  local per_step
  per_step=$(awk -v m="$med" -v c="$critical" -v n="$steps" 'BEGIN {printf "%.1f", (m - c * 1000) / n}')
  printf '| %s | %d | %.1f s | %.3f s | %s ms |\n' "$name" "$steps" "$critical" "$(awk -v m="$med" 'BEGIN{print m/1000}')" "$per_step"
}

make_waves 8 5 0.2 > "$work/waves.yaml"
make_ragged > "$work/ragged.yaml"
make_chain 50 > "$work/chain.yaml"

echo "| workflow | steps | critical path | median wall ($reps runs, -j 8) | overhead per step |"
echo "|---|---:|---:|---:|---:|"
measure "5 waves of 8 × sleep 0.2" "$work/waves.yaml" 40 1.0
measure "ragged: 0.6+0.2 beside 0.2+0.6, then 0.1" "$work/ragged.yaml" 5 0.9
measure "chain of 50 × true" "$work/chain.yaml" 50 0.0
