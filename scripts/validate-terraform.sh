#!/usr/bin/env bash
# Validates generated Terraform trees with the real toolchain, per stack
# (a directory holding *.tf: DIR itself and each subdirectory of DIR):
#   terraform fmt -check -recursive
#   terraform init -plugin-dir=$TF_PLUGIN_DIR, terraform validate
#   terraform plan -refresh=false, offline (see below); prints resource counts
#   tfsec (pinned in tools/go.mod): no HIGH or CRITICAL finding
#
# Usage: scripts/validate-terraform.sh DIR...   (e.g. out/terraform golden/two-regions/out/terraform)
#
# TF_PLUGIN_DIR is a filesystem mirror holding
# registry.terraform.io/hashicorp/aws/<version>/ (default /opt/tf-plugins, the
# machine image's). Each stack is copied to a temporary directory first, and
# everything below happens in that copy only: nothing is written into the
# tree (no .terraform/, lock file or override).
#
# The offline plan: in the copy, the script writes an override file
# (Terraform's *_override.tf merging, "Override Files" in the Terraform
# language docs) that swaps the S3 backend for a local one and sets, on every
# aws provider block, skip_credentials_validation, skip_requesting_account_id,
# skip_metadata_api_check and skip_region_validation (hashicorp/aws provider
# arguments) and drops allowed_account_ids (checking it needs STS), with
# dummy credentials in the environment. The plan then needs
# no AWS account and no network: with -refresh=false nothing is read back,
# and the only data sources the generators use are computed locally
# (aws_iam_policy_document). A plan that fails is a failure.
#
# tfsec: TFSEC when set (a command line), else the version pinned in
# tools/go.mod (`go tool -modfile=tools/go.mod tfsec`, built from the module
# cache on first use), else tfsec on PATH. A finding knowingly accepted is
# marked in the generated code (a "tfsec:ignore:<rule>" comment with its
# reason above it) and listed in the README's "tfsec findings accepted".
#
# Prints a loud SKIPPED line when terraform, the mirror or tfsec is absent
# (CI fails on any SKIPPED); exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
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

# tfsec: absent is a loud skip of the tfsec step only.
tfsec=()
if [ -n "${TFSEC:-}" ]; then
	read -r -a tfsec <<<"$TFSEC"
elif command -v go >/dev/null 2>&1 && [ -f "$root/tools/go.mod" ]; then
	tfsec=(go -C "$root" tool -modfile=tools/go.mod tfsec)
elif command -v tfsec >/dev/null 2>&1; then
	tfsec=(tfsec)
fi
if [ "${#tfsec[@]}" -gt 0 ] && ! "${tfsec[@]}" --version >/dev/null 2>&1; then
	tfsec=()
fi
if [ "${#tfsec[@]}" -eq 0 ]; then
	echo "SKIPPED: tfsec: neither TFSEC, go (with tools/go.mod) nor tfsec can run"
fi

# No prompts, no update checks, no plugin cache the user may have configured.
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_plan
# Dummy credentials: the provider needs some to configure, never uses them
# offline. No profile or shared file of the user's is read.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=offline-plan-dummy-secret
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# override_file STACK: the offline override for the copy of one stack: a
# local backend and the skip_* arguments on each aws provider block (by
# alias; an override must name the alias of the block it merges into).
override_file() {
	local stack="$1"
	cat <<-'EOF'
		# Written by scripts/validate-terraform.sh into a temporary copy only.
		terraform {
		  backend "local" {}
		}
	EOF
	awk '
		/^provider "aws" \{/ { inblk = 1; alias = ""; next }
		inblk && /^[[:space:]]*alias[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); alias = $0 }
		inblk && /^\}/ { print (alias == "" ? "-" : alias); inblk = 0 }
	' "$stack"/*.tf | sort -u | while read -r alias; do
		echo
		echo 'provider "aws" {'
		[ "$alias" = "-" ] || echo "  alias                       = \"$alias\""
		cat <<-'EOF'
			  skip_credentials_validation = true
			  skip_requesting_account_id  = true
			  skip_metadata_api_check     = true
			  skip_region_validation      = true
			  # The account check needs STS (the caller's identity): offline
			  # there is none, so the copy drops it. The tree keeps it.
			  allowed_account_ids = null
			}
		EOF
	done
}

failed=0
n=0
total=0
for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "FAIL: $dir: not a directory" >&2
		failed=1
		continue
	fi
	stacks=()
	compgen -G "$dir/*.tf" >/dev/null && stacks+=("$dir")
	for sub in "$dir"/*/; do
		[ -d "$sub" ] && compgen -G "$sub*.tf" >/dev/null && stacks+=("${sub%/}")
	done
	if [ "${#stacks[@]}" -eq 0 ]; then
		echo "FAIL: $dir: no Terraform stack (no *.tf in it or its subdirectories)" >&2
		failed=1
		continue
	fi
	for stack in "${stacks[@]}"; do
		n=$((n + 1))
		tmp="$work/$n"
		mkdir -p "$tmp"
		cp -R "$stack/." "$tmp/"
		rm -rf "$tmp/.terraform" "$tmp/.terraform.lock.hcl"
		log="$work/$n.log"

		if ! (cd "$tmp" && terraform fmt -no-color -check -recursive -diff) >"$log" 2>&1; then
			echo "FAIL: $stack: terraform fmt -check found unformatted files:" >&2
			cat "$log" >&2
			failed=1
			continue
		fi
		override_file "$tmp" >"$tmp/topogen_offline_override.tf"
		if ! (cd "$tmp" && terraform init -no-color -plugin-dir="$TF_PLUGIN_DIR") >"$log" 2>&1; then
			echo "FAIL: $stack: terraform init:" >&2
			cat "$log" >&2
			failed=1
			continue
		fi
		if ! (cd "$tmp" && terraform validate -no-color) >"$log" 2>&1; then
			echo "FAIL: $stack: terraform validate:" >&2
			cat "$log" >&2
			failed=1
			continue
		fi
		if ! (cd "$tmp" && terraform plan -no-color -refresh=false -lock=false -input=false) >"$log" 2>&1; then
			echo "FAIL: $stack: terraform plan -refresh=false (offline):" >&2
			cat "$log" >&2
			failed=1
			continue
		fi
		count="$(grep -o 'Plan: [0-9]* to add' "$log" | grep -o '[0-9]*' || echo 0)"
		total=$((total + count))
		sec="tfsec skipped"
		if [ "${#tfsec[@]}" -gt 0 ]; then
			# The override is not part of the tree: scan the tree's files only.
			rm -f "$tmp/topogen_offline_override.tf"
			args=(--no-color --no-module-downloads --minimum-severity HIGH --concise-output)
			if ! "${tfsec[@]}" "${args[@]}" "$tmp" >"$log" 2>&1; then
				echo "FAIL: $stack: tfsec found HIGH or CRITICAL problems (fix them, or accept one in the generator with a tfsec:ignore comment and its reason, listed in the README):" >&2
				cat "$log" >&2
				failed=1
				continue
			fi
			sec="tfsec: no HIGH/CRITICAL"
		fi
		echo "ok: $stack: fmt clean; validate passed; offline plan: $count to add; $sec"
	done
done
echo "terraform: $n stacks, $total resources planned"
exit "$failed"
