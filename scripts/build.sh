#!/usr/bin/env bash
# Configures and builds wf into ${WF_BUILD_DIR:-build} (Release with debug info).
# Arguments go to `cmake --build` (e.g. `--target wf` builds only wf).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${WF_BUILD_DIR:-build}
export CCACHE_BASEDIR="$PWD"  # clones in other folders share the cache
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} >/dev/null
cmake --build "$build_dir" -j "$(nproc)" "$@"
