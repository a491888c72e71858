#!/usr/bin/env bash
# Validates generated Argo CD and Flux objects offline with kubectl-validate
# against the upstream CRDs (shared/crds/README.md):
#   kubectl-validate FILES... --version 1.30 --local-crds $CRDS_DIR/argocd,$CRDS_DIR/flux
#
# Usage: scripts/validate-gitops.sh DIR...   (e.g. out/gitops golden/two-regions/out/gitops)
#
# kubectl-validate is the version pinned in tools/go.mod, run with
# `go tool -modfile=tools/go.mod kubectl-validate` (KUBECTL_VALIDATE overrides
# the command). CRDS_DIR defaults to ../shared/crds relative to the repository
# root: CI clones the shared directory beside the repository. --version 1.30
# because this kubectl-validate build embeds Kubernetes schemas only up to
# 1.30 and would download newer ones.
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

if [ -n "${KUBECTL_VALIDATE:-}" ]; then
	read -r -a kv <<<"$KUBECTL_VALIDATE"
elif command -v go >/dev/null 2>&1 && [ -f "$root/tools/go.mod" ]; then
	# -C: go tool needs the main module's directory; paths below are absolute.
	kv=(go -C "$root" tool -modfile=tools/go.mod kubectl-validate)
elif command -v kubectl-validate >/dev/null 2>&1; then
	kv=(kubectl-validate)
else
	echo "SKIPPED: gitops validation: neither go (with tools/go.mod) nor kubectl-validate is available"
	exit 0
fi
if ! "${kv[@]}" --help >/dev/null 2>&1; then
	echo "SKIPPED: gitops validation: '${kv[*]}' cannot be built or run"
	exit 0
fi

for p in argocd flux; do
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
	if "${kv[@]}" "${files[@]}" --version 1.30 --local-crds "$CRDS_DIR/argocd,$CRDS_DIR/flux" >"$log" 2>&1; then
		echo "ok: $dir: ${#files[@]} objects valid"
	else
		echo "FAIL: $dir: kubectl-validate:" >&2
		cat "$log" >&2
		failed=1
	fi
	rm -f "$log"
done
exit "$failed"
