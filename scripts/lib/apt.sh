# Sourced by the install scripts: apt_ensure TAG PACKAGE... installs the
# Debian packages that are missing (as root), or says how and exits 1.
apt_ensure() {
  local tag=$1
  shift
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "$tag: missing packages: ${missing[*]}" >&2
    echo "$tag: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "$tag: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: no system daemon is enabled beyond what a package needs.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
