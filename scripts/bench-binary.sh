#!/usr/bin/env bash
# Times the built binary's whole-process `topogen gen` over several runs for
# each topology given, into a fresh output directory each run, and prints
# the median wall time and the peak RSS (GNU time, when installed).
#   scripts/bench-binary.sh BINARY TOPOLOGY...
set -euo pipefail
bin="$1"; shift
runs="${RUNS:-15}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
n=0
for topo in "$@"; do
	n=$((n + 1))
	times=()
	for i in $(seq "$runs"); do
		start=$(date +%s%N)
		"$bin" gen -t "$topo" -o "$work/$n/out-$i" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
		end=$(date +%s%N)
		times+=($(( (end - start) / 1000 )))
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	rss="n/a (install GNU time)"
	if [ -x /usr/bin/time ]; then
		rss="$(/usr/bin/time -f '%M' "$bin" gen -t "$topo" -o "$work/$n/out-rss" 2>&1 >/dev/null | tail -n 1) KiB"
	fi
	printf 'topogen gen -t %s: median %d.%03d ms over %d runs, peak RSS %s\n' "$topo" $((median / 1000)) $((median % 1000)) "$runs" "$rss"
done
