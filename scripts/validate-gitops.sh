#!/usr/bin/env bash
# Validates generated Argo CD and Flux objects offline with kubectl-validate
# against the upstream CRDs (shared/crds/README.md):
#   kubectl-validate FILES... --version "$k8s_version" \
#     --local-crds $CRDS_DIR/argocd,$CRDS_DIR/flux,$CRDS_DIR/external-secrets
# (external-secrets: the management cluster's ClusterSecretStore and the
# ExternalSecrets registering the regional clusters with Argo CD).
#
# Usage: scripts/validate-gitops.sh DIR...   (e.g. out/gitops golden/two-regions/out/gitops)
#
# kubectl-validate and the Kubernetes version: scripts/lib/kubectl-validate.sh.
# CRDS_DIR defaults to ../shared/crds relative to the repository root: CI
# clones the shared directory beside the repository.
#
# kustomization.yaml files are not Kubernetes objects (kubectl-validate has no
# schema for kustomize.config.k8s.io) and are left out; the gitops package's
# tests check that they list every object file.
#
# Prints a loud SKIPPED line and exits 0 when kubectl-validate cannot be built
# or run; exits non-zero on any validation failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CRDS_DIR="${CRDS_DIR:-$root/../shared/crds}"

if [ "$#" -eq 0 ]; then
	echo "usage: $0 DIR..." >&2
	exit 2
fi

source "$root/scripts/lib/kubectl-validate.sh" "gitops validation"

for p in argocd flux external-secrets; do
	if ! ls "$CRDS_DIR/$p"/*.yaml >/dev/null 2>&1; then
		echo "FAIL: no CRDs in $CRDS_DIR/$p; set CRDS_DIR to the shared/crds directory" >&2
		exit 1
	fi
done
CRDS_DIR="$(cd "$CRDS_DIR" && pwd)"

failed=0
for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "FAIL: $dir: not a directory" >&2
		failed=1
		continue
	fi
	files=()
	while IFS= read -r -d '' f; do
		files+=("$f")
	done < <(find "$(cd "$dir" && pwd)" -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name kustomization.yaml -print0 | sort -z)
	if [ "${#files[@]}" -eq 0 ]; then
		echo "FAIL: $dir: no manifests" >&2
		failed=1
		continue
	fi
	log="$(mktemp)"
	if "${kv[@]}" "${files[@]}" --version "$k8s_version" --local-crds "$CRDS_DIR/argocd,$CRDS_DIR/flux,$CRDS_DIR/external-secrets" >"$log" 2>&1; then
		echo "ok: $dir: ${#files[@]} objects valid"
	else
		echo "FAIL: $dir: kubectl-validate:" >&2
		cat "$log" >&2
		failed=1
	fi
	rm -f "$log"
done
exit "$failed"
