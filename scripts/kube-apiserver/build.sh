#!/usr/bin/env bash
# Builds a real kube-apiserver v1.20.2 from Debian bookworm's `kubernetes` source
# package (the whole upstream tree with vendor/) for the kubectl-apply tests, and
# installs what those tests need at run time (etcd, openssl). Runs as root.
#
# Idempotent: when ${WF_CACHE_DIR:-$HOME/.cache/wf}/kube-apiserver-v1.20.2 exists it
# only checks the run-time packages. A build takes about 5 minutes on 2 cores and
# ~1.8 GB of temporary disk, removed afterwards. What the tests do with it:
# docs/steps/kubectl-apply.md ("Testing against a real API server").
set -euo pipefail

cache_dir=${WF_CACHE_DIR:-$HOME/.cache/wf}
binary=$cache_dir/kube-apiserver-v1.20.2
src_version=1.20.5+really1.20.2-1.1+deb12u1
orig_tarball=kubernetes_1.20.5+really1.20.2.orig.tar.gz

log() { echo "kube-apiserver: $*"; }

runtime_packages=(etcd-server etcd-client openssl)
build_packages=(golang-1.19-go make rsync golang-github-modern-go-reflect2-dev
                golang-github-json-iterator-go-dev)

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

apt_install() {
  local missing
  mapfile -t missing < <(missing_packages "$@")
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing packages: ${missing[*]}; run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [[ -x $binary ]]; then
  apt_install "${runtime_packages[@]}"
  log "using cached $binary"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  log "$binary is missing and building it needs root (apt-get); run: sudo $0" >&2
  exit 1
fi

# 1. Source packages: the same archive as the existing `deb` entry.
src_list=/etc/apt/sources.list.d/wf-debian-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "enabling Debian source packages in $src_list"
  cat >"$src_list" <<'SOURCES'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi
log "apt-get update"
apt-get update -qq

# 2. Build tools and run-time services.
apt_install "${runtime_packages[@]}" "${build_packages[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/wf-kube-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get source downloads as the _apt user when that user may write here.
if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
cd "$work"

# 3. Upstream source, with vendor/.
log "downloading source package kubernetes=$src_version"
if ! apt-get source -qq --download-only "kubernetes=$src_version" >/dev/null; then
  # A later Debian revision of the same upstream tree will do.
  log "kubernetes=$src_version is not in the archive any more; taking bookworm's current kubernetes source"
  apt-get source -qq --download-only kubernetes >/dev/null
fi
[[ -f $orig_tarball ]] || { log "no $orig_tarball in the source package" >&2; exit 1; }
log "unpacking $orig_tarball (~1 minute)"
mkdir src
tar -xzf "$orig_tarball" -C src --strip-components=1
rm -f ./*.tar.* ./*.dsc
cd src

# 4. reflect2 v1.0.1 crashes under Go >= 1.18 on the first custom-resource create
#    ("fatal error: fault ... reflect2 ... UnsafeIterate"): take Debian's fixed
#    reflect2 and json-iterator sources instead.
replace_vendor() {
  local vendor=$1 debian=$2
  [[ -d $debian ]] || { log "missing $debian" >&2; exit 1; }
  find "$vendor" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' -delete
  find "$debian" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) ! -name '*_test.go' \
    -exec cp {} "$vendor"/ \;
}
log "replacing vendored reflect2 and json-iterator with Debian's"
replace_vendor vendor/github.com/modern-go/reflect2 /usr/share/gocode/src/github.com/modern-go/reflect2
replace_vendor vendor/github.com/json-iterator/go /usr/share/gocode/src/github.com/json-iterator/go

# 5. Build (offline: everything is vendored).
mkdir -p "$work/home" "$work/gocache"
log "building cmd/kube-apiserver with Go 1.19 (about 5 minutes; progress below every 30 s)"
started=$SECONDS
(
  while sleep 30; do
    log "still building: $((SECONDS - started)) s, $(du -sh "$work/src/_output" 2>/dev/null | cut -f1) of build output"
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true; rm -rf "$work"' EXIT
PATH=/usr/lib/go-1.19/bin:$PATH CGO_ENABLED=0 GOPROXY=off \
  GOCACHE="$work/gocache" HOME="$work/home" \
  make WHAT=cmd/kube-apiserver KUBE_GIT_VERSION=v1.20.2 >"$work/make.log" 2>&1 || {
    tail -n 40 "$work/make.log" >&2
    log "build failed" >&2
    exit 1
  }
kill "$ticker" 2>/dev/null || true

mkdir -p "$cache_dir"
install -m 0755 _output/bin/kube-apiserver "$binary.tmp"
mv "$binary.tmp" "$binary"
log "built $("$binary" --version 2>/dev/null || echo kube-apiserver) -> $binary"
cd /
log "removing the build tree"
