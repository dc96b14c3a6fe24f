#!/usr/bin/env bash
# The GitOps bootstrap bundle (tests/steps/kubectl_apply/data/gitops-bundle: a
# namespace, 3 CRDs, 3 custom resources, a ConfigMap, a Deployment) applied to a
# fresh kube-apiserver three ways (issue 5):
#
#   wf     one `wf run` of a workflow with one kubectl-apply step (kustomize: bundle)
#   hand   kubectl apply -k; kubectl wait --for condition=established (the 3 CRDs); kubectl apply -k
#   naive  until kubectl apply -k bundle; do sleep 5; done
#
#   bench/kubectl_apply/run.sh [BUILD_DIR]      (default: build; REPS=5)
#
# Every measurement gets a fresh apiserver + etcd (tests/fixtures/kube, through
# BUILD_DIR/tests/fixtures/kube/wf-kube-cluster) and a fresh kubectl discovery
# cache; only the apply is timed, not the cluster's start. The methods take
# turns within each repetition. Writes a Markdown table to stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-${WF_BUILD_DIR:-build}}")
reps=${REPS:-5}
wf=$build/runner/cli/wf
cluster=$build/tests/fixtures/kube/wf-kube-cluster
for b in "$wf" "$cluster"; do
  [[ -x $b ]] || { echo "missing $b: build wf and wf-kube-cluster first" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A times attempts
for ((rep = 1; rep <= reps; rep++)); do
  for method in wf hand naive; do
    out=$("$cluster" -- bash bench/kubectl_apply/one.sh "$method" "$wf" "$work/$method-$rep" 2>"$work/err") || {
      cat "$work/err" >&2
      echo "run.sh: $method failed in repetition $rep" >&2
      exit 1
    }
    read -r secs tries <<<"$out"
    times[$method]+="$secs "
    attempts[$method]+="$tries "
    echo "rep $rep: $method ${secs}s ($tries kubectl apply runs)" >&2
  done
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1; s+=$1} END {printf "%.2f s | %.2f s | %.2f s | %.2f s", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), s/NR, a[1], a[NR]}'; }
echo "| method | median | mean | min | max | kubectl apply runs |"
echo "|---|---:|---:|---:|---:|---|"
for method in wf hand naive; do
  echo "| $method | $(echo "${times[$method]}" | stats) | ${attempts[$method]% } |"
done
