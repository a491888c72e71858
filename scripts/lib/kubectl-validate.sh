# Sourced by the validation scripts that run kubectl-validate; needs $root
# (the repository root) and a label for its messages as $1.
#
# Sets kv, the kubectl-validate command: KUBECTL_VALIDATE when set, else the
# version pinned in tools/go.mod (`go tool -modfile=tools/go.mod
# kubectl-validate`, built from the module cache; building needs the Go
# module proxy once), else kubectl-validate on PATH. Prints a loud SKIPPED
# line and exits 0 when none can run.
#
# Sets k8s_version: K8S_VERSION, default 1.30, the newest Kubernetes whose
# schemas kubectl-validate v0.0.4 embeds (it would download newer ones).

kv_label="$1"
k8s_version="${K8S_VERSION:-1.30}"
if [ -n "${KUBECTL_VALIDATE:-}" ]; then
	read -r -a kv <<<"$KUBECTL_VALIDATE"
elif command -v go >/dev/null 2>&1 && [ -f "$root/tools/go.mod" ]; then
	# -C: go tool needs the main module's directory; callers pass absolute paths.
	kv=(go -C "$root" tool -modfile=tools/go.mod kubectl-validate)
elif command -v kubectl-validate >/dev/null 2>&1; then
	kv=(kubectl-validate)
else
	echo "SKIPPED: $kv_label: neither go (with tools/go.mod) nor kubectl-validate is available"
	exit 0
fi
if ! "${kv[@]}" --help >/dev/null 2>&1; then
	echo "SKIPPED: $kv_label: '${kv[*]}' cannot be built or run"
	exit 0
fi
