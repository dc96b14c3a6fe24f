#!/usr/bin/env bash
# The test network from nothing to done, on this machine: brings up local
# stand-ins for what workflows/deploy-testnet.yaml talks to, runs
# examples/local-testnet/deploy-testnet.yaml (the same DAG) with `wf run` once,
# prints the summary and tears the stand-ins down (docs/local-testnet.md).
#
#   bash examples/local-testnet/run.sh           # up, run, down
#   KEEP=1 bash examples/local-testnet/run.sh    # up, run, leave the stand-ins up
#   bash examples/local-testnet/run.sh           # ...then: reuse them, `wf run --resume`,
#                                                #   an idempotent `wf run`, down
#   bash examples/local-testnet/run.sh down      # only tear down what KEEP=1 left up
#   CLUSTERS='["odin","heimdall"]' bash examples/local-testnet/run.sh
#                                                # the network chart for each of those clusters
#
# The stand-ins, each on 127.0.0.1 and in a folder of $WF_TESTNET_DIR
# (default: ${TMPDIR:-/tmp}/wf-local-testnet):
#   kube      a real kube-apiserver v1.20.2 + etcd (tests/fixtures/kube, wf-kube-cluster)
#   docker    a real dockerd (vfs, no bridge) on its own socket
#   registry  Debian's docker-registry with htpasswd auth
#   github    the GitHub API test server (tests/fixtures/github_api, wf-github-api)
#   origin    a bare git repository; repo/ is its clone holding the workflow
# terraform runs a terraform_data-only configuration; helm renders the real
# chart of workflows/deploy-testnet. Nothing leaves the machine.
#
# Needs root (dockerd). Installs what is missing with scripts/install-deps.sh
# (when it must build), scripts/tools/*.sh and
# scripts/kube-apiserver/build.sh, and builds wf (scripts/build.sh) when its
# programs are not in ${WF_BUILD_DIR:-build}. Exit code: wf's.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build_dir=${WF_BUILD_DIR:-$root/build}
[[ $build_dir = /* ]] || build_dir=$root/$build_dir
state=${WF_TESTNET_DIR:-${TMPDIR:-/tmp}/wf-local-testnet}
keep=${KEEP:-0}

wf=$build_dir/runner/cli/wf
kube_cluster=$build_dir/tests/fixtures/kube/wf-kube-cluster
github_api=$build_dir/tests/fixtures/github_api/wf-github-api

log() { echo "local-testnet: $*" >&2; }
die() { log "$*"; exit 1; }

# --- stand-ins: start, wait, stop ---------------------------------------------

# spawn NAME CMD...: CMD in its own session, in $state/NAME, output to NAME/log.
# It keeps no other descriptor of ours: a stand-in left up (KEEP=1) holding
# the write end of our caller's pipe (`run.sh | tee`, a test reading our
# output) would keep that reader waiting for the end of it.
spawn() {
  local name=$1
  shift
  mkdir -p "$state/$name"
  (
    cd "$state/$name"
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      ((fd > 2 && fd != 255)) && eval "exec $fd>&-"
    done
    exec setsid "$@" >>"$state/$name/log" 2>&1 </dev/null
  ) &
  echo $! >"$state/$name/pid"
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_for WHAT SECONDS PIDFILE CMD...: until CMD succeeds, or fail with the log.
wait_for() {
  local what=$1 secs=$2 pidfile=$3 deadline
  shift 3
  deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$pidfile"; then
      tail -n 20 "$(dirname "$pidfile")/log" >&2 || true
      die "$what exited before it was ready"
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$(dirname "$pidfile")/log" >&2; die "$what not ready after ${secs}s"; }
    sleep 0.2
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_kube() {
  mkdir -p "$state/kube/tmp"
  # The cluster lives as long as the `sleep` it runs; its kubeconfig path is
  # written for us. TMPDIR keeps the cluster's folder inside $state.
  # shellcheck disable=SC2016 # expanded by the inner bash
  TMPDIR=$state/kube/tmp spawn kube "$kube_cluster" -- bash -c \
    'echo "$KUBECONFIG" >"$0/kubeconfig.path.tmp" && mv "$0/kubeconfig.path.tmp" "$0/kubeconfig.path" && echo $$ >"$0/hold.pid" && exec sleep infinity' \
    "$state/kube"
}

start_docker() {
  local d=$state/docker
  mkdir -p "$d"
  spawn docker dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --data-root "$d/data" --exec-root "$d/exec" --pidfile "$d/dockerd.pid" --host "unix://$d/docker.sock"
}

start_registry() {
  local d=$state/registry port
  mkdir -p "$d/storage"
  port=$(free_port)
  (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$d/password")
  htpasswd -iBn testnet <"$d/password" >"$d/htpasswd"
  cat >"$d/config.yml" <<EOF
version: 0.1
log: { level: info }
storage: { filesystem: { rootdirectory: $d/storage }, delete: { enabled: true } }
http: { addr: "127.0.0.1:$port", secret: wf-local-testnet }
auth: { htpasswd: { realm: wf-local-testnet, path: $d/htpasswd } }
EOF
  echo "127.0.0.1:$port" >"$d/address"
  spawn registry docker-registry serve "$d/config.yml"
}

start_github() {
  local d=$state/github
  mkdir -p "$d"
  (umask 077 && echo "ghp_local$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >"$d/token")
  # The token goes by environment, never on a command line. The server prints its URL.
  # shellcheck disable=SC2016 # expanded by the inner bash
  WF_GITHUB_API_TOKEN=$(cat "$d/token") spawn github bash -c 'exec "$0" --workflow smoke.yaml >url' "$github_api"
}

# The origin the manifests must be pushed to, and its clone holding the workflow.
make_repo() {
  local origin=$state/origin.git repo=$state/repo
  rm -rf "$origin" "$repo"
  git init -q --bare -b main "$origin"
  git clone -q "$origin" "$repo" 2>/dev/null
  cp -rL "$here/deploy-testnet.yaml" "$here/deploy-testnet" "$repo/"
  cat >"$repo/.gitignore" <<'EOF'
.wf/
build/
deploy-testnet/image/busybox
deploy-testnet/terraform/.terraform*
deploy-testnet/terraform/terraform.tfstate*
EOF
  cp /bin/busybox "$repo/deploy-testnet/image/busybox"
  git -C "$repo" add -A
  git -C "$repo" -c user.name=wf -c user.email=wf@localhost commit -q -m "testnet manifests"
  git -C "$repo" push -q origin main 2>/dev/null
  git -C "$repo" branch -q --set-upstream-to=origin/main main
}

standins_up() {
  local name
  for name in kube docker registry github; do alive "$state/$name/pid" || return 1; done
  alive "$state/kube/hold.pid" && [[ -d $state/repo/.git ]]
}

# Stops every stand-in (also half-started ones), waiting until each is gone.
teardown() {
  local name pid deadline
  compgen -G "$state/*/pid" >/dev/null || return 0
  log "tearing down the stand-ins"
  # The cluster stops its etcd and apiserver when its command ends; without
  # that command yet, killing it kills them (they die with their parent).
  if alive "$state/kube/hold.pid"; then
    kill "$(cat "$state/kube/hold.pid")" 2>/dev/null || true
  elif alive "$state/kube/pid"; then
    kill -KILL "$(cat "$state/kube/pid")" 2>/dev/null || true
  fi
  for name in github registry docker kube; do
    alive "$state/$name/pid" || continue
    pid=$(cat "$state/$name/pid")
    [[ $name = kube ]] || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && { log "$name ($pid) did not stop: killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    # A stand-in's children that outlived it (its session).
    pkill -KILL -s "$pid" 2>/dev/null || true
  done
  # docker's vfs layers are large; the work repo (with .wf/) is kept to look at.
  rm -rf "$state/kube" "$state/docker" "$state/registry" "$state/github" "$state/origin.git" "$state/tf.rc"
  log "stand-ins stopped; the workflow's repository and its .wf/ stay in $state/repo"
}

up() {
  log "starting the stand-ins in $state"
  rm -rf "$state"
  mkdir -p "$state"
  start_kube
  start_docker
  start_registry
  start_github
  make_repo
  wait_for "the GitHub API test server" 10 "$state/github/pid" test -s "$state/github/url"
  wait_for "docker-registry" 30 "$state/registry/pid" port_open "$(cut -d: -f2 "$state/registry/address")"
  wait_for "dockerd" 60 "$state/docker/pid" docker -H "unix://$state/docker/docker.sock" version
  wait_for "kube-apiserver + etcd" 120 "$state/kube/pid" test -s "$state/kube/kubeconfig.path"
  log "up: kube-apiserver $(grep -m1 'server:' "$(cat "$state/kube/kubeconfig.path")" | awk '{print $2}'), dockerd unix://$state/docker/docker.sock, registry $(cat "$state/registry/address"), GitHub API $(cat "$state/github/url"), origin $state/origin.git"
}

# --- tools and wf ---------------------------------------------------------------

need() {  # COMMAND HOW-TO-INSTALL
  command -v "$1" >/dev/null || die "$1 not found on PATH (install: $2)"
}

prepare() {
  [[ $(id -u) -eq 0 ]] || die "needs root (it starts a dockerd of its own)"
  "$root/scripts/tools/docker.sh" >&2
  "$root/scripts/kube-apiserver/build.sh" >&2
  WF_HELM=$("$root/scripts/tools/helm.sh" 3)
  export WF_HELM
  need terraform "https://developer.hashicorp.com/terraform/install (1.5 or later)"
  need kubectl "https://kubernetes.io/docs/tasks/tools/ or apt-get install kubectl"
  need git "apt-get install git"
  need python3 "apt-get install python3"
  if [[ ! -x $wf || ! -x $kube_cluster || ! -x $github_api ]]; then
    log "building wf and the stand-in programs into $build_dir"
    "$root/scripts/install-deps.sh" >&2
    WF_BUILD_DIR=$build_dir "$root/scripts/build.sh" --target wf wf-kube-cluster wf-github-api >&2
  fi
}

# --- the run --------------------------------------------------------------------

wf_env() {
  : >"$state/tf.rc"
  export KUBECONFIG DOCKER_HOST GITHUB_API_URL GITHUB_TOKEN REGISTRY_PASSWORD
  KUBECONFIG=$(cat "$state/kube/kubeconfig.path")
  DOCKER_HOST=unix://$state/docker/docker.sock
  GITHUB_API_URL=$(cat "$state/github/url")
  GITHUB_TOKEN=$(cat "$state/github/token")
  REGISTRY_PASSWORD=$(cat "$state/registry/password")
  export TF_CLI_CONFIG_FILE=$state/tf.rc TF_IN_AUTOMATION=1
}

run_wf() {  # ARGS...: wf in the repository, echoed first (quoted as a shell would need)
  local shown="" arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then shown+=" $arg"; else shown+=" '${arg//\'/\'\\\'\'}'"; fi
  done
  echo "\$ wf$shown"
  (cd "$state/repo" && "$wf" "$@")
}

on_exit() {
  local rc=$?
  if [[ $keep = 1 && $standins_ok = 1 ]]; then
    log "KEEP=1: the stand-ins stay up in $state; run this script again to resume and re-run, or with 'down' to stop them"
  else
    teardown
  fi
  exit "$rc"
}

main() {
  if [[ ${1:-} = down ]]; then
    teardown
    return 0
  fi
  [[ $# -eq 0 ]] || die "usage: run.sh [down]"
  prepare
  local reused=0 rc=0
  standins_ok=0
  trap on_exit EXIT
  trap 'exit 130' INT TERM
  if standins_up; then
    reused=1
    log "the stand-ins of an earlier KEEP=1 run are up: reusing them"
  else
    teardown
    up
  fi
  standins_ok=1
  wf_env
  local inputs=(-i "registry=$(cat "$state/registry/address")")
  # CLUSTERS='["odin","heimdall"]': deploy the network chart once per cluster.
  [[ -z "${CLUSTERS:-}" ]] || inputs+=(-i "clusters=$CLUSTERS")
  if ((reused)); then
    # The last run finished: --resume reuses every step that succeeded; then
    # a new run does it all again, changing nothing.
    run_wf run deploy-testnet.yaml --resume "${inputs[@]}" || rc=$?
    ((rc)) || run_wf run deploy-testnet.yaml "${inputs[@]}" || rc=$?
  else
    run_wf run deploy-testnet.yaml "${inputs[@]}" || rc=$?
  fi
  log "the workflow's repository: $state/repo (runs and their report.json under .wf/runs/)"
  return "$rc"
}

main "$@"
