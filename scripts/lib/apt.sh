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

# apt_ensure_backport TAG PACKAGE MIN_VERSION: installs PACKAGE from
# bookworm-backports (enabling it in /etc/apt/sources.list.d/ when no apt
# source names it) unless a version >= MIN_VERSION is installed already.
apt_ensure_backport() {
  local tag=$1 package=$2 min=$3 have
  have=$(dpkg-query -W -f='${Status} ${Version}' "$package" 2>/dev/null | sed -n 's/^install ok installed //p')
  if [[ -n $have ]] && dpkg --compare-versions "$have" ge "$min"; then return 0; fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "$tag: $package >= $min is missing (installed: ${have:-none}); it comes from bookworm-backports" >&2
    echo "$tag: run this script as root to enable bookworm-backports and install it" >&2
    exit 1
  fi
  # Only files apt reads (not *.disabled and the like), only lines not commented out.
  if ! grep -qs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    /etc/apt/sources.list.d/*.sources; then
    echo "$tag: enabling bookworm-backports (/etc/apt/sources.list.d/wf-bookworm-backports.sources)"
    cat >/etc/apt/sources.list.d/wf-bookworm-backports.sources <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  fi
  echo "$tag: installing $package from bookworm-backports (installed: ${have:-none}, need >= $min)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # -t: the package and what it needs from backports (libgit2 1.8 needs a newer libllhttp).
  apt-get install -y -qq --no-install-recommends -t bookworm-backports "$package" >/dev/null
}
