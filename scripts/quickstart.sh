#!/usr/bin/env bash
# The README's first command: install what is missing, build wf, run the quickstart.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec "${WF_BUILD_DIR:-build}/runner/cli/wf" run examples/quickstart.yaml "$@"
