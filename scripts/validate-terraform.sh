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
# Stacks run JOBS at a time (default 2); the verdicts print in order.
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
# (aws_iam_policy_document) or are the global stack's terraform_remote_state
# reads of the regional stacks, which the override points at local state
# files holding the regional stacks' declared outputs
# (remote_state_overrides), or the global stack's aws_route53_zone lookup
# of an existing public zone, which the loopback endpoint below answers.
# A plan that fails is a failure.
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
smpid=
trap '[ -z "$smpid" ] || kill "$smpid" 2>/dev/null; rm -rf "$work"' EXIT

# The loopback Secrets Manager (internal/fakesecretsmanager): the global
# stack's ephemeral aws_secretsmanager_random_password resources are opened
# during plan and call GetRandomPassword; the override points every
# provider's secretsmanager endpoint at this server, which answers that
# call only (any other call fails the plan).
if ! command -v go >/dev/null 2>&1; then
	echo "FAIL: go is needed to build internal/fakesecretsmanager for the offline plan" >&2
	exit 1
fi
go -C "$root" build -o "$work/fakesecretsmanager" ./internal/fakesecretsmanager
fake_password="offline-plan-fake-password-$$"
# The same server answers the Route 53 reads of a data "aws_route53_zone"
# (an existing public zone, dns.createPublicZone: false), which plan reads
# even with -refresh=false: for the zone names the trees look up.
zones=()
while IFS= read -r z; do
	zones+=("$z")
done < <(find "$@" -name '*.tf' -exec awk '
	/^data "aws_route53_zone" / { b = 1; next }
	b && /^[[:space:]]*name[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); print; b = 0 }
	/^}/ { b = 0 }
' {} + 2>/dev/null | sort -u)
"$work/fakesecretsmanager" "$work/sm.addr" "$fake_password" "${zones[@]}" 2>"$work/sm.log" &
smpid=$!
for _ in $(seq 100); do
	[ -s "$work/sm.addr" ] && break
	sleep 0.1
done
smaddr="$(cat "$work/sm.addr")"

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
		cat <<-EOF
			  skip_credentials_validation = true
			  skip_requesting_account_id  = true
			  skip_metadata_api_check     = true
			  skip_region_validation      = true
			  # The account check needs STS (the caller's identity): offline
			  # there is none, so the copy drops it. The tree keeps it.
			  allowed_account_ids = null
			  endpoints {
			    secretsmanager = "$smaddr"
			    route53        = "$smaddr"
			  }
			}
		EOF
	done
}

# remote_state_overrides STACK: for each terraform_remote_state block of the
# stack (the global stack reading the regional ones, labelled by the
# region's identifier: its directory name with - as _), a local state file
# in the copy holding every output the sibling regional stack declares
# (each a string "offline-<output>", ARN-shaped for "*_arn" outputs, which
# the provider validates: the regional outputs are all strings),
# and an override pointing the block at it. Offline there is no S3 to read;
# a regional output the global stack uses but the regional stack does not
# declare still fails the plan ("Unsupported attribute").
remote_state_overrides() {
	local stack="$1" copy="$2" label sib name found
	for label in $(awk '/^data "terraform_remote_state" "[^"]+"/ { gsub(/^data "terraform_remote_state" "|".*$/, ""); print }' "$stack"/*.tf); do
		found=
		for sib in "$(dirname "$stack")"/*/; do
			name="$(basename "$sib")"
			if [ "${name//-/_}" = "$label" ] && compgen -G "$sib*.tf" >/dev/null; then
				found="$sib"
			fi
		done
		if [ -z "$found" ]; then
			echo "FAIL: $stack: terraform_remote_state.$label: no sibling stack $label" >&2
			return 1
		fi
		{
			printf '{"version": 4, "terraform_version": "%s", "serial": 1, "lineage": "offline-plan", "outputs": {' "$tfversion"
			awk '/^output "[^"]+"/ { gsub(/^output "|".*$/, ""); print }' "$found"*.tf | sort -u |
				awk 'NR > 1 { printf "," } { v = "offline-" $0; if ($0 ~ /_arn$/) v = "arn:aws:offline:us-east-1:000000000000:" v; printf "\n  \"%s\": {\"value\": \"%s\", \"type\": \"string\"}", $0, v }'
			printf '\n}, "resources": []}\n'
		} >"$copy/offline-remote-$label.tfstate"
		cat <<-EOF

			data "terraform_remote_state" "$label" {
			  backend = "local"
			  config = {
			    path = "offline-remote-$label.tfstate"
			  }
			}
		EOF
	done
}

tfversion="$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -1)"

# check_stack N STACK: every step for one stack in its copy $work/N; the
# verdict line goes to $work/N.out (stdout) and $work/N.err (failures),
# the planned resource count to $work/N.count.
check_stack() {
	local n="$1" stack="$2"
	local tmp="$work/$n" log="$work/$n.log" count sec
	mkdir -p "$tmp"
	cp -R "$stack/." "$tmp/"
	rm -rf "$tmp/.terraform" "$tmp/.terraform.lock.hcl"

	if ! (cd "$tmp" && terraform fmt -no-color -check -recursive -diff) >"$log" 2>&1; then
		echo "FAIL: $stack: terraform fmt -check found unformatted files:"
		cat "$log"
		return 1
	fi
	override_file "$tmp" >"$tmp/topogen_offline_override.tf"
	remote_state_overrides "$stack" "$tmp" >>"$tmp/topogen_offline_override.tf" || return 1
	if ! (cd "$tmp" && terraform init -no-color -plugin-dir="$TF_PLUGIN_DIR") >"$log" 2>&1; then
		echo "FAIL: $stack: terraform init:"
		cat "$log"
		return 1
	fi
	if ! (cd "$tmp" && terraform validate -no-color) >"$log" 2>&1; then
		echo "FAIL: $stack: terraform validate:"
		cat "$log"
		return 1
	fi
	if ! (cd "$tmp" && terraform plan -no-color -refresh=false -lock=false -input=false -out=offline.tfplan) >"$log" 2>&1; then
		echo "FAIL: $stack: terraform plan -refresh=false (offline):"
		cat "$log"
		return 1
	fi
	count="$(grep -o 'Plan: [0-9]* to add' "$log" | grep -o '[0-9]*' || echo 0)"
	# A generated password must reach neither the plan's output nor the
	# saved plan (ephemeral values and write-only arguments are never
	# persisted): the fake endpoint's password must appear in neither.
	if grep -q '^ephemeral "' "$tmp"/*.tf; then
		(cd "$tmp" && terraform show -no-color -json offline.tfplan) >"$tmp/offline.tfplan.json" 2>&1 || true
		if grep -q "$fake_password" "$log" "$tmp/offline.tfplan.json"; then
			echo "FAIL: $stack: a generated password reached the plan (its output or the saved plan)"
			return 1
		fi
		if ! grep -q '"secret_string_wo_version"' "$tmp/offline.tfplan.json"; then
			echo "FAIL: $stack: terraform show -json did not render the saved plan:"
			head -20 "$tmp/offline.tfplan.json"
			return 1
		fi
	fi
	rm -f "$tmp/offline.tfplan" "$tmp/offline.tfplan.json"
	echo "$count" >"$work/$n.count"
	sec="tfsec skipped"
	if [ "${#tfsec[@]}" -gt 0 ]; then
		# The override is not part of the tree: scan the tree's files only.
		rm -f "$tmp/topogen_offline_override.tf" "$tmp"/offline-remote-*.tfstate
		# tfsec 1.26 predates ephemeral blocks (Terraform 1.10) and refuses
		# the whole file ("Unsupported block type"): scan without them. They
		# hold only the password's length and alphabet; the secrets and
		# versions they feed are scanned.
		for f in "$tmp"/*.tf; do
			awk '/^ephemeral "/ { skip = 1 } !skip { print } skip && /^}/ { skip = 0 }' "$f" >"$f.tfsec" && mv "$f.tfsec" "$f"
		done
		args=(--no-color --no-module-downloads --minimum-severity HIGH --concise-output)
		if ! "${tfsec[@]}" "${args[@]}" "$tmp" >"$log" 2>&1; then
			echo "FAIL: $stack: tfsec found HIGH or CRITICAL problems (fix them, or accept one in the generator with a tfsec:ignore comment and its reason, listed in the README):"
			cat "$log"
			return 1
		fi
		sec="tfsec: no HIGH/CRITICAL"
	fi
	echo "ok: $stack: fmt clean; validate passed; offline plan: $count to add; $sec"
}

# JOBS stacks at a time (default 2: each plan runs one provider process
# per aws provider block, and the machine image has few cores).
jobs_max="${JOBS:-2}"
failed=0
n=0
all=()
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
	all+=("${stacks[@]}")
done
# Wait for the stack jobs by pid: a bare wait would also wait for the
# Secrets Manager server, which runs until the EXIT trap kills it.
pids=()
for stack in "${all[@]}"; do
	n=$((n + 1))
	while [ "$(jobs -rp | grep -vcx "$smpid")" -ge "$jobs_max" ]; do
		sleep 0.2
	done
	(check_stack "$n" "$stack" >"$work/$n.out" 2>&1 || touch "$work/$n.failed") &
	pids+=("$!")
done
for pid in "${pids[@]}"; do
	wait "$pid" || true
done
total=0
for i in $(seq "$n"); do
	if [ -e "$work/$i.failed" ]; then
		cat "$work/$i.out" >&2
		failed=1
	else
		cat "$work/$i.out"
	fi
	[ ! -s "$work/$i.count" ] || total=$((total + $(cat "$work/$i.count")))
done
if grep -q . "$work/sm.log"; then
	echo "offline Secrets Manager calls: $(grep -c 'GetRandomPassword' "$work/sm.log") GetRandomPassword; Route 53 reads: $(grep -c 'fakeroute53' "$work/sm.log"); $(grep -v 'GetRandomPassword' "$work/sm.log" | grep -vc 'fakeroute53') other"
fi
echo "terraform: $n stacks, $total resources planned"
exit "$failed"
