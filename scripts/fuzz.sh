#!/usr/bin/env bash
# Runs wf's libFuzzer targets (fuzz/, docs/reliability.md).
# Usage: scripts/fuzz.sh TARGET|all SECONDS
#   TARGET: workflow expression output_file workflow_command journal
#           secret_masker github_response
# Builds build-fuzz if needed (clang, -fsanitize=fuzzer,address,undefined,
# ccache), then fuzzes each target for SECONDS from its seeds in
# fuzz/corpus/<target>/ (read-only) plus what earlier runs found
# (build-fuzz/corpus/<target>/). `all` runs the targets two at a time.
# Prints, per target, the executions per second, the coverage (cov: edges,
# ft: features) and the corpus size. Exits non-zero on a crash, a sanitizer
# report, a timeout or an out-of-memory, naming the reproducer; replay one
# with `build-fuzz/fuzz/fuzz_TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"

all_targets=(workflow expression output_file workflow_command journal secret_masker github_response)
build_dir=build-fuzz

usage() {
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS (targets: ${all_targets[*]})" >&2
  exit 2
}
(($# == 2)) || usage
[[ "$2" =~ ^[0-9]+$ ]] || usage
seconds=$2
if [[ "$1" == all ]]; then
  targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $1 "* ]]; then
  targets=("$1")
else
  usage
fi

# -O1 without debug info keeps the build short (as scripts/sanitizers.sh);
# reports still name functions; replay a reproducer in a -g build for lines.
build() {
  if [[ ! -f $build_dir/build.ninja ]]; then
    CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1" \
      -DWF_FUZZ=ON -DWF_BUILD_TESTS=OFF >/dev/null
  fi
  local t names=()
  for t in "${targets[@]}"; do names+=("fuzz_$t"); done
  cmake --build "$build_dir" -j "$(nproc)" --target "${names[@]}"
}

# fuzz TARGET: one run; its output goes to $build_dir/logs/TARGET.log. The
# mutations follow a fixed seed (WF_FUZZ_SEED, default 1): a fresh clone's
# run repeats the same inputs, so CI does not turn red at random; set
# another seed (or run longer) to look further.
fuzz() {
  local t=$1 corpus=$build_dir/corpus/$1 artifacts=$build_dir/artifacts/$1/ log=$build_dir/logs/$1.log
  mkdir -p "$corpus" "$artifacts" "$build_dir/logs"
  # -timeout: an input slower than 10 s is a hang; -rss_limit_mb: a
  # memory blow-up is a finding. Leaks are reported (ASan's LeakSanitizer).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build_dir/fuzz/fuzz_$t" -seed="${WF_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1
}

# report TARGET STATUS: one summary line; non-zero when the run found something.
report() {
  local t=$1 status=$2 log=$build_dir/logs/$1.log done_line runs files bytes
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
  if ((status != 0)) || [[ -z "$done_line" ]]; then
    local reproducer
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    echo "fuzz: $t: FAILED (exit $status): $(grep -m1 -E 'ERROR:|runtime error|SUMMARY' "$log" || echo 'see log')"
    echo "fuzz: $t: reproducer: ${reproducer:-none written}; log: $log"
    return 1
  fi
  runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$done_line")
  files=$(find "$build_dir/corpus/$t" "fuzz/corpus/$t" -type f | wc -l)
  bytes=$(cat "$build_dir/corpus/$t"/* "fuzz/corpus/$t"/* 2>/dev/null | wc -c)
  echo "fuzz: $t: ${seconds} s, $runs runs, exec/s: $(grep -o 'exec/s: [0-9]*' <<<"$done_line" | cut -d' ' -f2)," \
    "$(grep -o 'cov: [0-9]*' <<<"$done_line"), $(grep -o 'ft: [0-9]*' <<<"$done_line")," \
    "corpus: $files files, $bytes bytes, no crash"
}

build
failed=0
# Two at a time: CI has two cores, and each target is single-threaded.
pids=() names=()
for t in "${targets[@]}"; do
  fuzz "$t" &
  pids+=($!) names+=("$t")
  if ((${#pids[@]} == 2)); then
    status=0; wait "${pids[0]}" || status=$?
    report "${names[0]}" "$status" || failed=1
    pids=("${pids[@]:1}") names=("${names[@]:1}")
  fi
done
for i in "${!pids[@]}"; do
  status=0; wait "${pids[$i]}" || status=$?
  report "${names[$i]}" "$status" || failed=1
done
exit "$failed"
