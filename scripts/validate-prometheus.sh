#!/usr/bin/env bash
# Validates the Prometheus target's output with the real tools.
#   scripts/validate-prometheus.sh [--scenarios DIR]... OUTDIR...
# Each OUTDIR is an output tree (out/, golden/<case>/out) holding
# prometheus/ and grafana/. Runs promtool check config (which also loads the
# rule files it names), promtool check rules on every rule file, promtool
# test rules on every test file, and parses every Grafana dashboard.
# --scenarios DIR runs promtool test rules on DIR/*.yml: hand-written failure
# scenarios (generators/prometheus/testdata/scenarios) over out/'s rules.
# Prints SKIPPED and exits 0 when promtool is absent (Debian: apt-get install
# prometheus).
set -euo pipefail

scenarios=()
while [ "$#" -gt 0 ] && [ "$1" = "--scenarios" ]; do
	scenarios+=("$2")
	shift 2
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
done

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
