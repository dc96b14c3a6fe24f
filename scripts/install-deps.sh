#!/usr/bin/env bash
# Installs what building and testing wf needs on Debian 12 (bookworm), as root.
# Idempotent: packages already present are not fetched again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev nettle-dev
  libboost1.81-dev catch2 nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  # tests: JSON Schema validation of the workflow files, DOT rendering
  python3 python3-jsonschema python3-yaml graphviz
  # tests: proof that the git step never starts a git process
  strace
  # tests: wf completion zsh in a real zsh
  zsh
  # bench/run.sh: GNU time reads the peak RSS of each tool
  time
  # tests: report.html rendered in headless Chromium (label chromium)
  chromium
  # fuzzing (scripts/fuzz.sh): clang and its libFuzzer/sanitizer runtimes
  clang libclang-rt-14-dev
)

# shellcheck source=scripts/lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
apt_ensure install-deps "${packages[@]}"
# libgit2 >= 1.7 (shallow fetches for the git step's `depth`) is in bookworm-backports.
apt_ensure_backport install-deps libgit2-dev 1.7
echo "install-deps: all build and test packages present"
