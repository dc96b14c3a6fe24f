#!/usr/bin/env bash
# Installs what the docker-build step's tests need on Debian 12 (bookworm), as
# root: the Docker engine (docker.io: dockerd 20.10, containerd, and a docker
# client), Debian's registry (docker-registry, distribution v2), a static
# busybox for images built FROM scratch (nothing can be pulled here), and
# htpasswd for a registry with basic auth, and debootstrap for the wf image's
# base (scripts/build-image.sh). Idempotent: nothing is fetched when
# all are present. The tests start their own dockerd and registries on private
# sockets and loopback ports (tests/fixtures/docker): no system daemon is
# started or needed.
set -euo pipefail

# debootstrap: the base of the wf image (scripts/build-image.sh), for the Argo tests.
packages=(docker.io docker-registry busybox-static apache2-utils debootstrap)

# The package starts the system's docker and registry services; the tests
# start their own, so those are not needed (left as the package set them).
# shellcheck source=scripts/lib/apt.sh
source "$(dirname "$0")/../lib/apt.sh"
apt_ensure tools/docker "${packages[@]}"

for tool in dockerd docker docker-registry htpasswd; do
  command -v "$tool" >/dev/null || { echo "tools/docker: $tool not on PATH after install" >&2; exit 1; }
done
[[ -x /bin/busybox ]] || { echo "tools/docker: /bin/busybox missing (busybox-static)" >&2; exit 1; }
echo "tools/docker: $(dockerd --version), $(docker --version | head -1), registry $(docker-registry --version 2>/dev/null | awk '{print $NF}')"
