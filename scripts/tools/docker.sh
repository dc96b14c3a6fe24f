#!/usr/bin/env bash
# Installs what the docker-build step's tests need on Debian 12 (bookworm), as
# root: the Docker engine (docker.io: dockerd 20.10, containerd, and a docker
# client), Debian's registry (docker-registry, distribution v2), a static
# busybox for images built FROM scratch (nothing can be pulled here), and
# htpasswd for a registry with basic auth. Idempotent: nothing is fetched when
# all are present. The tests start their own dockerd and registries on private
# sockets and loopback ports (tests/fixtures/docker): no system daemon is
# started or needed.
set -euo pipefail

packages=(docker.io docker-registry busybox-static apache2-utils)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "tools/docker: missing packages: ${missing[*]}" >&2
    echo "tools/docker: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "tools/docker: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: no system daemon is enabled beyond what the package needs.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts the system's docker and registry services; the tests
  # start their own, so those are not needed (left as the package set them).
fi

for tool in dockerd docker docker-registry htpasswd; do
  command -v "$tool" >/dev/null || { echo "tools/docker: $tool not on PATH after install" >&2; exit 1; }
done
[[ -x /bin/busybox ]] || { echo "tools/docker: /bin/busybox missing (busybox-static)" >&2; exit 1; }
echo "tools/docker: $(dockerd --version), $(docker --version | head -1), registry $(docker-registry --version 2>/dev/null | awk '{print $NF}')"
