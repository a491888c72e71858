package terraform

import (
	"sort"

	"github.com/topogen/topogen/model"
)

// The bootstrap stack, terraform/bootstrap/: the S3 buckets every other
// stack keeps its state in (stateBuckets), so that an empty account needs
// nothing made by hand before `terraform init`.
//
// Each bucket is in the AWS region of the stack it serves, through one
// provider per AWS region (aliased by the AWS region's name: two topology
// regions never share one, and terraform.state.region may be any), and is
// what an S3 state bucket should be (S3 User Guide, "Security best
// practices for Amazon S3"; Terraform's s3 backend docs):
//   - versioned, so an overwritten or corrupted state can be restored, with
//     noncurrent versions expired after stateNoncurrentDays (keeping at
//     least stateNoncurrentVersions of them) so history does not grow
//     without bound (every apply and every lock writes a version);
//   - SSE-KMS with a customer key per bucket (rotated), which the
//     backends name (kms_key_id), with S3 Bucket Keys: the state holds the
//     clusters' endpoints, role ARNs and the ephemeral-password
//     versions, never a password (write-only arguments), but a customer
//     key is what tfsec's aws-s3-encryption-customer-key (HIGH) asks, and
//     its key policy is where to narrow who may decrypt state;
//   - public access blocked (all four settings) and ACLs disabled
//     (BucketOwnerEnforced), so nothing but the bucket policy and IAM
//     grants access;
//   - TLS only: the bucket policy denies every request without
//     aws:SecureTransport;
//   - prevent_destroy on the bucket and its key: losing either loses
//     every state it holds, so Terraform refuses any plan that destroys
//     them (a renamed bucket fails the plan instead of replacing it).
//
// Its own state: the S3 backend in the global stack's bucket, which this
// stack creates, under bootstrap/ (bootstrapBackend). The very first apply
// in an account cannot use a bucket that does not exist yet: the README's
// "Deploy" runs it once with a local override file in a scratch copy
// and then moves the state into the bucket with
// `terraform init -migrate-state`. Not local state kept for good: topogen gen
// replaces out/ wholesale (a terraform.tfstate there would be deleted),
// a pipeline's checkout is thrown away, and the stack must run again when a
// region is added; a lost local state would then try to create the
// existing buckets and fail.

// State-bucket retention of noncurrent versions: 90 days, and never fewer
// than the 10 newest (S3 lifecycle NoncurrentVersionExpiration,
// NewerNoncurrentVersions).
const (
	stateNoncurrentDays     = 90
	stateNoncurrentVersions = 10
)

func bootstrapParts(t *model.Topology) []part {
	parts := []part{
		{"versions.tf", func(f *file) { versions(f, bootstrapBackend(t)) }},
		{"providers.tf", func(f *file) { bootstrapProviders(t, f) }},
		{"state.tf", func(f *file) { stateBucketsTF(t, f) }},
	}
	parts = append(parts, managementParts(t)...)
	return append(parts, part{"outputs.tf", func(f *file) { bootstrapOutputs(t, f) }})
}

// cloudRegionAlias is the bootstrap stack's provider for an AWS region.
func cloudRegionAlias(cloudRegion string) string { return ident(cloudRegion) }

// bootstrapProviders: one aws provider per AWS region holding a bucket or
// the management cluster, in name order.
func bootstrapProviders(t *model.Topology, f *file) {
	seen := map[string]bool{}
	var regions []string
	add := func(cr string) {
		if !seen[cr] {
			seen[cr] = true
			regions = append(regions, cr)
		}
	}
	for _, b := range stateBuckets(t) {
		add(b.cloudRegion)
	}
	if m := t.Delivery.Management; m != nil {
		add(m.Region)
	}
	sort.Strings(regions)
	for _, cr := range regions {
		provider(t, f, cloudRegionAlias(cr), cr, BootstrapStack)
	}
}

// stateLabel is the block label of the bucket of one stack.
func stateLabel(b stateBucketDef) string { return ident(b.stack) + "_state" }

func stateBucketsTF(t *model.Topology, f *file) {
	for _, sb := range stateBuckets(t) {
		id, p := stateLabel(sb), cloudRegionAlias(sb.cloudRegion)
		bucket := "aws_s3_bucket." + id
		f.comment("State of the " + sb.stack + " stack: s3://" + sb.bucket + " in " + sb.cloudRegion)

		k := f.resource("aws_kms_key", id, p)
		k.str("description", "Terraform state of "+t.Name+", stack "+sb.stack)
		k.boolean("enable_key_rotation", true)
		k.num("deletion_window_in_days", 30)
		k.tags("Name", sb.bucket)
		k.block("lifecycle").boolean("prevent_destroy", true)

		a := f.resource("aws_kms_alias", id, p)
		a.str("name", sb.kmsAlias())
		a.ref("target_key_id", "aws_kms_key."+id+".key_id")

		b := f.resource("aws_s3_bucket", id, p)
		b.str("bucket", sb.bucket)
		b.tags("Name", sb.bucket)
		b.block("lifecycle").boolean("prevent_destroy", true)

		o := f.resource("aws_s3_bucket_ownership_controls", id, p)
		o.ref("bucket", bucket+".id")
		o.block("rule").str("object_ownership", "BucketOwnerEnforced")

		pab := f.resource("aws_s3_bucket_public_access_block", id, p)
		pab.ref("bucket", bucket+".id")
		pab.boolean("block_public_acls", true)
		pab.boolean("block_public_policy", true)
		pab.boolean("ignore_public_acls", true)
		pab.boolean("restrict_public_buckets", true)

		v := f.resource("aws_s3_bucket_versioning", id, p)
		v.ref("bucket", bucket+".id")
		v.block("versioning_configuration").str("status", "Enabled")

		sse := f.resource("aws_s3_bucket_server_side_encryption_configuration", id, p)
		sse.ref("bucket", bucket+".id")
		rule := sse.block("rule")
		def := rule.block("apply_server_side_encryption_by_default")
		def.str("sse_algorithm", "aws:kms")
		def.ref("kms_master_key_id", "aws_kms_key."+id+".arn")
		rule.boolean("bucket_key_enabled", true)

		lc := f.resource("aws_s3_bucket_lifecycle_configuration", id, p)
		lc.ref("bucket", bucket+".id")
		lr := lc.block("rule")
		lr.str("id", "state-history")
		lr.str("status", "Enabled")
		lr.block("filter")
		nv := lr.block("noncurrent_version_expiration")
		nv.num("noncurrent_days", stateNoncurrentDays)
		nv.num("newer_noncurrent_versions", stateNoncurrentVersions)
		lr.block("abort_incomplete_multipart_upload").num("days_after_initiation", 1)
		lc.dependsOn("aws_s3_bucket_versioning." + id)

		d := f.data("aws_iam_policy_document", id+"_tls_only", p)
		st := d.block("statement")
		st.str("sid", "DenyInsecureTransport")
		st.str("effect", "Deny")
		st.strs("actions", "s3:*")
		st.raw("resources", tupleOf(f.tr(bucket+".arn"), template(f.tr(bucket+".arn"), "/*")))
		pr := st.block("principals")
		pr.str("type", "*")
		pr.strs("identifiers", "*")
		c := st.block("condition")
		c.str("test", "Bool")
		c.str("variable", "aws:SecureTransport")
		c.strs("values", "false")

		bp := f.resource("aws_s3_bucket_policy", id, p)
		bp.ref("bucket", bucket+".id")
		bp.ref("policy", "data.aws_iam_policy_document."+id+"_tls_only.json")
		// The public access block first: S3 evaluates a new policy
		// against it (a policy put while it is still being set can be
		// refused as public).
		bp.dependsOn("aws_s3_bucket_public_access_block." + id)
	}
}

func bootstrapOutputs(t *model.Topology, f *file) {
	for _, sb := range stateBuckets(t) {
		id := stateLabel(sb)
		output(f, id+"_bucket_arn", "State bucket of the "+sb.stack+" stack", "aws_s3_bucket."+id+".arn")
		output(f, id+"_key_arn", "KMS key of the "+sb.stack+" stack's state bucket", "aws_kms_key."+id+".arn")
	}
	if m := t.Delivery.Management; m != nil {
		output(f, "gitops_controller_role_arn", "Role of "+m.Engine+"'s controllers on the management cluster", "aws_iam_role.gitops_controller.arn")
		if m.Engine == model.EngineArgoCD {
			output(f, "management_external_secrets_role_arn", "Role of external-secrets on the management cluster", "aws_iam_role.management_external_secrets.arn")
		}
	}
}
