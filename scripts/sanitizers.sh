#!/usr/bin/env bash
# The sanitizer runs of the test suite (part of scripts/test.sh, so of CI):
#   build-asan: AddressSanitizer + UndefinedBehaviorSanitizer, the unit and the
#               end-to-end (integration) tests, with the sanitized wf binary;
#   build-tsan: ThreadSanitizer, the scheduler, clock/cancellation, process
#               runner and step-type tests.
# Any report fails the test that caused it. -O1 without debug info keeps the
# two extra builds short; ccache keeps rebuilds shorter.
# Usage: scripts/sanitizers.sh [asan|tsan]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="$PWD"
variants=("$@")
((${#variants[@]})) || variants=(asan tsan)

# Tests that bound wall-clock time (a DAG's critical path, -j's concurrency):
# the 2-5x slowdown of a sanitizer breaks their bounds, not the code. They run
# in the main suite; under sanitizers they are left out by name.
wall_clock_bounds='critical path|-j bounds how many steps'

configure() {  # DIR SANITIZERS
  cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1" -DWF_SANITIZE="$2" >/dev/null
}

for v in "${variants[@]}"; do
  case "$v" in
    asan)
      echo "sanitizers: AddressSanitizer + UndefinedBehaviorSanitizer (build-asan)"
      configure build-asan address,undefined
      cmake --build build-asan -j "$(nproc)" --target sanitizer_asan_tests
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -L asan --timeout 600 -E "$wall_clock_bounds"
      ;;
    tsan)
      echo "sanitizers: ThreadSanitizer (build-tsan)"
      configure build-tsan thread
      cmake --build build-tsan -j "$(nproc)" --target sanitizer_tsan_tests
      TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/scripts/tsan.supp" \
        ctest --test-dir build-tsan --output-on-failure -j "$(nproc)" --timeout 600 -L tsan -LE kube \
          -E "$wall_clock_bounds"
      ;;
    *) echo "sanitizers: unknown variant '$v' (asan, tsan)" >&2; exit 2 ;;
  esac
done
