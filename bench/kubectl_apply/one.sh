#!/usr/bin/env bash
# One measurement for run.sh, inside `wf-kube-cluster --` (KUBECONFIG is set):
#   one.sh METHOD WF WORKDIR  ->  prints "SECONDS APPLY_RUNS"
set -euo pipefail
method=$1 wf=$2 dir=$3
mkdir -p "$dir"
cp -r tests/steps/kubectl_apply/data/gitops-bundle "$dir/bundle"
export KUBECACHEDIR=$dir/kube-cache
crds=(crd/applications.argoproj.io crd/appprojects.argoproj.io crd/externalsecrets.external-secrets.io)
runs=0
start=$(date +%s.%N)
case $method in
  wf)
    cat >"$dir/wf.yaml" <<YAML
name: bootstrap
steps:
  bootstrap:
    uses: kubectl-apply
    with: { kustomize: bundle, kubeconfig: $KUBECONFIG, timeout: 2m }
YAML
    (cd "$dir" && "$wf" run wf.yaml >"$dir/wf.out" 2>&1) || { cat "$dir/wf.out" >&2; exit 1; }
    runs=$(grep -c 'applying ' "$dir/wf.out" || true)
    ;;
  hand)
    runs=1
    kubectl apply -k "$dir/bundle" >/dev/null 2>&1 || true
    kubectl wait --for condition=established --timeout=60s "${crds[@]}" >/dev/null
    runs=2
    kubectl apply -k "$dir/bundle" >/dev/null
    ;;
  naive)
    until runs=$((runs + 1)); kubectl apply -k "$dir/bundle" >/dev/null 2>&1; do sleep 5; done
    ;;
  *) echo "unknown method $method" >&2; exit 2 ;;
esac
end=$(date +%s.%N)
echo "$(echo "$end - $start" | bc) $runs"
