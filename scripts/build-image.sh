#!/usr/bin/env bash
# Builds the wf container image with the local Docker engine, pulling nothing:
#
#   scripts/build-image.sh [TAG]     # TAG: "1.0" gives wf:1.0; "repo/x:1" is used as is
#                                    # default: wf:latest; prints the image reference on stdout
#
# 1. A Debian bookworm root file system made with `debootstrap --variant=minbase`
#    (plus ca-certificates) from Debian's archive, cached as a tarball under
#    ${WF_CACHE_DIR:-$HOME/.cache/wf}/image/.
# 2. That tarball `docker import`ed as wf-base:bookworm-<hash of the tarball>
#    (kept in the engine, so a second run imports nothing).
# 3. wf (${WF_BINARY:-build/runner/cli/wf}; built with scripts/build.sh when
#    missing), its modules (wf-*.so beside it, loaded on first use: into
#    /usr/local/lib/wf/) and the shared libraries `ldd` finds for them that the
#    base lacks, copied onto the base by `docker build` (the base is local:
#    nothing is pulled).
#    The image carries a label with the hash of what was copied: when an image
#    with the same label exists under TAG, nothing is built.
#
# DOCKER_HOST is honoured (the tests point it at their own dockerd). Needs root
# for debootstrap on the first run; installs debootstrap with apt-get when missing.
# Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "build-image: $*" >&2; }
die() { log "$*"; exit 1; }

tag=${1:-latest}
case "$tag" in
  *:* | */*) image=$tag ;;
  *) image=wf:$tag ;;
esac
cache_dir=${WF_CACHE_DIR:-$HOME/.cache/wf}/image
mirror=${WF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
tarball=$cache_dir/debian-$suite-minbase.tar
wf_binary=${WF_BINARY:-${WF_BUILD_DIR:-build}/runner/cli/wf}

command -v docker >/dev/null || die "no docker client on PATH: run scripts/tools/docker.sh as root"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker engine answers at ${DOCKER_HOST:-the default socket}"

make_base_tarball() {
  [[ -s $tarball ]] && return 0
  if ! command -v debootstrap >/dev/null; then
    [[ $(id -u) -eq 0 ]] || die "debootstrap is missing; run as root (or: sudo apt-get install debootstrap)"
    log "installing debootstrap"
    # shellcheck source=scripts/lib/apt.sh
    source scripts/lib/apt.sh
    apt_ensure build-image debootstrap
  fi
  [[ $(id -u) -eq 0 ]] || die "debootstrap needs root for the first run (the tarball is cached afterwards)"
  mkdir -p "$cache_dir"
  local root
  root=$(mktemp -d "$cache_dir/rootfs.XXXXXX")
  log "debootstrap --variant=minbase $suite from $mirror (once; cached in $tarball)"
  debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; rm -rf "$root"; die "debootstrap failed (log: $root.log)"; }
  rm -f "$root.log"
  # No package caches or lists in the image: it is not meant to run apt from here.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar --numeric-owner -C "$root" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  rm -rf "$root"
}

import_base() {  # prints the base image reference
  local hash ref
  # The tarball's hash and file list are computed once (it is 130 MB).
  [[ -s $tarball.sha256 && $tarball.sha256 -nt $tarball ]] || sha256sum "$tarball" | cut -c1-12 >"$tarball.sha256"
  hash=$(<"$tarball.sha256")
  ref=wf-base:$suite-$hash
  if ! docker image inspect "$ref" >/dev/null 2>&1; then
    log "docker import $tarball as $ref"
    docker import --change 'CMD ["bash"]' "$tarball" "$ref" >/dev/null
  fi
  echo "$ref"
}

# The modules wf loads on first use (wf-http.so, wf-git.so, wf-log.so): next
# to the binary in a build tree, in ../lib/wf/ of an install.
wf_modules() {
  local dir
  dir=$(dirname "$wf_binary")
  if compgen -G "$dir/wf-*.so" >/dev/null; then
    echo "$dir"/wf-*.so
  elif compgen -G "$dir/../lib/wf/wf-*.so" >/dev/null; then
    echo "$dir"/../lib/wf/wf-*.so
  else
    die "no modules (wf-*.so) next to $wf_binary nor in $dir/../lib/wf/: build the whole of wf (scripts/build.sh --target wf)"
  fi
}

# Copies the shared libraries `ldd` finds for $2 that the base tarball lacks into $1/rootfs.
stage_libs() {
  local context=$1 file=$2 lib real
  for lib in $(ldd "$file" | awk '/=> \//{print $3} /^\s*\//{print $1}'); do
    real=$(readlink -f "$lib")
    # Debian's base has /lib -> usr/lib: compare both spellings.
    if grep -qxF -e "$lib" -e "/usr$lib" -e "$real" <<<"$in_base"; then continue; fi
    [[ -e $context/rootfs$real ]] && continue
    mkdir -p "$context/rootfs$(dirname "$real")"
    cp "$real" "$context/rootfs$real"
    # The name the binary asks for (a symlink such as libfoo.so.1 -> libfoo.so.1.2.3).
    if [[ $(basename "$lib") != "$(basename "$real")" ]]; then
      ln -sf "$(basename "$real")" "$context/rootfs$(dirname "$real")/$(basename "$lib")"
    fi
  done
}

# Copies wf, its modules (into /usr/local/lib/wf, where wf looks from
# /usr/local/bin) and the libraries they need that the base lacks into $1/rootfs.
stage_context() {
  local context=$1 module
  mkdir -p "$context/rootfs/usr/local/bin" "$context/rootfs/usr/local/lib/wf"
  cp "$wf_binary" "$context/rootfs/usr/local/bin/wf"
  strip --strip-debug "$context/rootfs/usr/local/bin/wf" 2>/dev/null || true
  [[ -s $tarball.list && $tarball.list -nt $tarball ]] || tar -tf "$tarball" | sed 's|^\./|/|' >"$tarball.list"
  in_base=$(<"$tarball.list")
  stage_libs "$context" "$wf_binary"
  for module in $(wf_modules); do
    cp "$module" "$context/rootfs/usr/local/lib/wf/"
    strip --strip-debug "$context/rootfs/usr/local/lib/wf/$(basename "$module")" 2>/dev/null || true
    stage_libs "$context" "$module"
  done
}

context=""  # the build context, removed on exit
in_base=""  # the base's file list

main() {
  if [[ ! -x $wf_binary ]]; then
    log "no wf binary at $wf_binary: building it (scripts/build.sh)"
    scripts/build.sh >&2
  fi
  make_base_tarball
  local base hash
  base=$(import_base)
  context=$(mktemp -d)
  trap 'rm -rf "$context"' EXIT
  stage_context "$context"
  hash=$( (cd "$context" && find rootfs -type f -o -type l | LC_ALL=C sort | xargs sha256sum; echo "$base") | sha256sum | cut -c1-16)
  if [[ $(docker image inspect --format '{{index .Config.Labels "wf.content-hash"}}' "$image" 2>/dev/null) == "$hash" ]]; then
    log "$image is up to date"
    echo "$image"
    return 0
  fi
  cat >"$context/Dockerfile" <<EOF
FROM $base
COPY rootfs/ /
ENV LANG=C.UTF-8
WORKDIR /work
LABEL wf.content-hash="$hash" org.opencontainers.image.title="wf" org.opencontainers.image.base.name="debian:$suite (debootstrap minbase)"
CMD ["wf", "--help"]
EOF
  log "docker build -t $image (FROM $base)"
  DOCKER_BUILDKIT=0 docker build -q -t "$image" "$context" >/dev/null 2>"$context/build.log" ||
    { cat "$context/build.log" >&2; die "docker build failed"; }
  docker run --rm --network none "$image" wf --version >/dev/null ||
    die "$image was built but 'wf --version' does not run in it"
  # Each module loads (and finds its libraries) in the image.
  docker run --rm --network none "$image" bash -c \
    'for m in /usr/local/lib/wf/wf-*.so; do ldd "$m" | grep "not found" && exit 1; done; exit 0' ||
    die "$image was built but a module in /usr/local/lib/wf misses a library"
  log "built $image"
  echo "$image"
}

main
