#!/usr/bin/env bash
# Validates generated Kubernetes trees with kubectl-validate (pinned in
# tools/go.mod) against the Kubernetes 1.30 schemas and the CRDs of
# cert-manager, prometheus-operator and external-secrets.
#
# usage: scripts/validate-kubernetes.sh DIR...
#   DIR is out/kubernetes (every region below it), or one region's directory.
# env:   CRDS_DIR  folder holding <project>/ CRD folders
#                  (default: ../shared/crds relative to the repository root)
#        K8S_VERSION, KUBECTL_VALIDATE: see scripts/lib/kubectl-validate.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crds="${CRDS_DIR:-$root/../shared/crds}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 DIR..." >&2
  exit 2
fi

source "$root/scripts/lib/kubectl-validate.sh" "kubernetes validation"

for p in cert-manager prometheus-operator external-secrets; do
  if [ ! -d "$crds/$p" ]; then
    # Validating custom resources without their CRDs would prove nothing.
    echo "FAIL: CRD folder $crds/$p not found (set CRDS_DIR to the folder holding cert-manager/, prometheus-operator/, external-secrets/)" >&2
    exit 1
  fi
done
local_crds="$crds/cert-manager,$crds/prometheus-operator,$crds/external-secrets"


status=0
for dir in "$@"; do
  if [ ! -d "$dir" ]; then
    echo "FAIL: $dir is not a directory" >&2
    status=1
    continue
  fi
  dir="$(cd "$dir" && pwd)"
  # Every manifest except the kustomization files, which are not API objects.
  mapfile -t files < <(find "$dir" -name '*.yaml' ! -name kustomization.yaml | LC_ALL=C sort)
  if [ "${#files[@]}" -eq 0 ]; then
    echo "FAIL: $dir holds no manifests" >&2
    status=1
    continue
  fi
  echo "kubectl-validate: $dir (${#files[@]} manifests, Kubernetes $k8s_version)"
  if ! "${kv[@]}" --version "$k8s_version" --local-crds "$local_crds" "${files[@]}"; then
    status=1
  fi
  # kubectl kustomize must build every region directory (kubectl embeds
  # kustomize); the Go tests prove it yields exactly the files.
  if command -v kubectl >/dev/null 2>&1; then
    while IFS= read -r k; do
      if ! kubectl kustomize "$(dirname "$k")" >/dev/null; then
        echo "FAIL: kubectl kustomize $(dirname "$k")" >&2
        status=1
      fi
    done < <(find "$dir" -name kustomization.yaml | LC_ALL=C sort)
  fi
done
exit "$status"
