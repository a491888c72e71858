#!/usr/bin/env bash
# Validates generated Terraform trees with the real toolchain:
#   terraform fmt -check -recursive
#   terraform init -backend=false -plugin-dir=$TF_PLUGIN_DIR && terraform validate
#
# Usage: scripts/validate-terraform.sh DIR...   (e.g. out/terraform golden/two-regions/out/terraform)
#
# TF_PLUGIN_DIR is a filesystem mirror holding
# registry.terraform.io/hashicorp/aws/<version>/ (default /opt/tf-plugins, the
# machine image's). Each DIR is copied to a temporary directory first, so no
# .terraform/ or lock file is left in the tree. Prints a loud SKIPPED line and
# exits 0 when terraform or the mirror is absent; exits non-zero on any failure.
set -euo pipefail

TF_PLUGIN_DIR="${TF_PLUGIN_DIR:-/opt/tf-plugins}"

if [ "$#" -eq 0 ]; then
	echo "usage: $0 DIR..." >&2
	exit 2
fi
if ! command -v terraform >/dev/null 2>&1; then
	echo "SKIPPED: terraform validation: terraform is not installed"
	exit 0
fi
if [ ! -d "$TF_PLUGIN_DIR/registry.terraform.io/hashicorp/aws" ]; then
	echo "SKIPPED: terraform validation: no hashicorp/aws provider mirror in TF_PLUGIN_DIR=$TF_PLUGIN_DIR"
	exit 0
fi
TF_PLUGIN_DIR="$(cd "$TF_PLUGIN_DIR" && pwd)"

# No prompts, no update checks, no plugin cache the user may have configured.
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
n=0
for dir in "$@"; do
	n=$((n + 1))
	if [ ! -d "$dir" ]; then
		echo "FAIL: $dir: not a directory" >&2
		failed=1
		continue
	fi
	tmp="$work/$n"
	mkdir -p "$tmp"
	cp -R "$dir/." "$tmp/"
	rm -rf "$tmp/.terraform" "$tmp/.terraform.lock.hcl"
	log="$work/$n.log"

	if ! (cd "$tmp" && terraform fmt -no-color -check -recursive -diff) >"$log" 2>&1; then
		echo "FAIL: $dir: terraform fmt -check found unformatted files:" >&2
		cat "$log" >&2
		failed=1
		continue
	fi
	if ! (cd "$tmp" && terraform init -no-color -backend=false -plugin-dir="$TF_PLUGIN_DIR") >"$log" 2>&1; then
		echo "FAIL: $dir: terraform init:" >&2
		cat "$log" >&2
		failed=1
		continue
	fi
	if ! (cd "$tmp" && terraform validate -no-color) >"$log" 2>&1; then
		echo "FAIL: $dir: terraform validate:" >&2
		cat "$log" >&2
		failed=1
		continue
	fi
	echo "ok: $dir: fmt clean; $(grep -m1 -o 'Success!.*' "$log" || echo 'validate passed')"
done
exit "$failed"
