#!/usr/bin/env bash
# Validates the Prometheus target's output with the real tools.
#   scripts/validate-prometheus.sh [--scenarios DIR]... [--routes FILE] OUTDIR...
# Each OUTDIR is an output tree (out/, golden/<case>/out) holding
# prometheus/ and grafana/. Runs promtool check config (which also loads the
# rule files it names), promtool check rules on every rule file, promtool
# test rules on every test file, amtool check-config on
# prometheus/alertmanager/alertmanager.yml, kubectl-validate (with the
# prometheus-operator CRDs in CRDS_DIR) on the AlertmanagerConfig, and parses
# every Grafana dashboard.
# --scenarios DIR runs promtool test rules on DIR/*.yml: hand-written failure
# scenarios (generators/prometheus/testdata/scenarios) over out/'s rules.
# --routes FILE checks the first OUTDIR's alertmanager.yml routing with
# amtool config routes test --verify.receivers, one "receiver label=value..."
# per line (generators/prometheus/testdata/alertmanager/routes.txt).
# Prints SKIPPED when promtool or amtool is absent (Debian: apt-get install
# prometheus prometheus-alertmanager).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crds="${CRDS_DIR:-$root/../shared/crds}"

scenarios=()
routes=""
while [ "$#" -gt 0 ]; do
	case "$1" in
	--scenarios) scenarios+=("$2"); shift 2 ;;
	--routes) routes="$2"; shift 2 ;;
	*) break ;;
	esac
done

if [ "$#" -eq 0 ]; then
	echo "usage: $0 OUTDIR..." >&2
	exit 2
fi

PROMTOOL="${PROMTOOL:-promtool}"
if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
	echo "SKIPPED: promtool not found; Prometheus output NOT validated (apt-get install -y prometheus)"
	exit 0
fi
AMTOOL="${AMTOOL:-amtool}"
have_amtool=1
if ! command -v "$AMTOOL" >/dev/null 2>&1; then
	echo "SKIPPED: amtool not found; alertmanager.yml NOT validated (apt-get install -y prometheus-alertmanager)"
	have_amtool=0
fi

PROMETHEUS="${PROMETHEUS:-prometheus}"
prom_help=""
if command -v "$PROMETHEUS" >/dev/null 2>&1; then
	prom_help="$("$PROMETHEUS" --help 2>&1 || true)"
else
	echo "SKIPPED: prometheus (the server) not found; prometheus.args flags NOT checked (apt-get install -y prometheus)"
fi

# kubectl-validate the AlertmanagerConfigs given as arguments (in a
# subshell: the library exits after printing SKIPPED).
validate_amc() (
	source "$root/scripts/lib/kubectl-validate.sh" "AlertmanagerConfig validation"
	if [ ! -d "$crds/prometheus-operator" ]; then
		echo "FAIL: CRD folder $crds/prometheus-operator not found (set CRDS_DIR)" >&2
		exit 1
	fi
	"${kv[@]}" --version "$k8s_version" --local-crds "$crds/prometheus-operator" "$@"
)

json_check() {
	if command -v jq >/dev/null 2>&1; then
		jq empty "$1"
	elif command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$1" >/dev/null
	else
		echo "SKIPPED: neither jq nor python3 found; $1 not parsed"
	fi
}

fail=0
amcs=()
run() {
	if ! "$@"; then
		echo "FAIL: $*" >&2
		fail=1
	fi
}

for dir in "$@"; do
	prom="$dir/prometheus"
	if [ ! -f "$prom/prometheus.yml" ]; then
		echo "FAIL: $prom/prometheus.yml missing" >&2
		fail=1
		continue
	fi
	echo "== $dir"
	run "$PROMTOOL" check config --lint=all --lint-fatal "$prom/prometheus.yml"
	# Every flag in prometheus.args must be one the prometheus server knows.
	if [ -f "$prom/prometheus.args" ]; then
		if [ -n "$prom_help" ]; then
			while IFS= read -r flag; do
				if ! grep -q -- "${flag%%=*}=" <<<"$prom_help"; then
					echo "FAIL: $prom/prometheus.args: prometheus has no flag ${flag%%=*}" >&2
					fail=1
				fi
			done <"$prom/prometheus.args"
		fi
	else
		echo "FAIL: $prom/prometheus.args missing" >&2
		fail=1
	fi
	shopt -s nullglob
	rules=("$prom"/rules/*.yml)
	tests=("$prom"/tests/*.yml)
	dashboards=("$dir"/grafana/*.json)
	shopt -u nullglob
	if [ "${#rules[@]}" -eq 0 ] || [ "${#tests[@]}" -eq 0 ]; then
		echo "FAIL: no rule or test files under $prom" >&2
		fail=1
		continue
	fi
	run "$PROMTOOL" check rules --lint=all --lint-fatal "${rules[@]}"
	run "$PROMTOOL" test rules "${tests[@]}"
	for d in "${dashboards[@]}"; do
		run json_check "$d"
	done
	am="$prom/alertmanager/alertmanager.yml"
	amc="$prom/alertmanager/alertmanagerconfig-mongodb.yaml"
	if [ ! -f "$am" ] || [ ! -f "$amc" ]; then
		echo "FAIL: $am or $amc missing" >&2
		fail=1
		continue
	fi
	if [ "$have_amtool" -eq 1 ]; then
		run "$AMTOOL" check-config "$am"
	fi
	amcs+=("$(cd "$(dirname "$amc")" && pwd)/$(basename "$amc")")
done

if [ "${#amcs[@]}" -gt 0 ]; then
	echo "== kubectl-validate ${#amcs[@]} AlertmanagerConfig(s)"
	run validate_amc "${amcs[@]}"
fi

if [ -n "$routes" ] && [ "$have_amtool" -eq 1 ]; then
	am="$1/prometheus/alertmanager/alertmanager.yml"
	echo "== routes $routes over $am"
	while read -r want labels; do
		case "$want" in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2086 # labels are separate arguments
		if ! "$AMTOOL" config routes test --config.file="$am" --verify.receivers="$want" $labels >/dev/null 2>&1; then
			echo "FAIL: route of {$labels} is $("$AMTOOL" config routes test --config.file="$am" $labels 2>/dev/null), want $want" >&2
			fail=1
		fi
	done <"$routes"
fi

for sdir in "${scenarios[@]}"; do
	echo "== scenarios $sdir"
	shopt -s nullglob
	sfiles=("$sdir"/*.yml)
	shopt -u nullglob
	if [ "${#sfiles[@]}" -eq 0 ]; then
		echo "FAIL: no scenario files under $sdir" >&2
		fail=1
		continue
	fi
	run "$PROMTOOL" test rules "${sfiles[@]}"
done

if [ "$fail" -ne 0 ]; then
	echo "prometheus validation FAILED" >&2
	exit 1
fi
echo "prometheus validation passed"
