#!/usr/bin/env bash
# The README's second command: install what is missing, build wf and run every
# test (unit, integration, docker, kube, e2e-testnet: the local testnet of
# examples/local-testnet, ...) with CTest. Extra arguments go to ctest
# (e.g. `scripts/test.sh -L unit`); without arguments the suite then runs again
# under AddressSanitizer + UBSan and ThreadSanitizer (scripts/sanitizers.sh;
# WF_SANITIZERS=0 skips them), then every libFuzzer target runs for
# ${WF_FUZZ_SECONDS:-60} s, two at a time (scripts/fuzz.sh; skipped by
# WF_SANITIZERS=0 or WF_FUZZ=0).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/kube-apiserver/build.sh
scripts/tools/helm.sh >/dev/null
scripts/tools/docker.sh
scripts/build.sh
ctest --test-dir "${WF_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" "$@"
if (($# == 0)) && [[ "${WF_SANITIZERS:-1}" != 0 ]]; then
  scripts/sanitizers.sh
  if [[ "${WF_FUZZ:-1}" != 0 ]]; then
    scripts/fuzz.sh all "${WF_FUZZ_SECONDS:-60}"
  fi
fi
