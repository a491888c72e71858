package terraform

import (
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// noncurrentDays keeps a dump for a week after it stops being current
// (expired by retention, overwritten or deleted), so an accidental or
// malicious delete can still be undone.
const noncurrentDays = 7

// ExpirationDays is the lifecycle rule's expiration: after PBM's own.
// pbm cleanup --older-than <retentionDays>d keeps the newest base backup
// before the cut-off and every oplog chunk after it (pbm/backup/delete.go
// MakeCleanupInfo, PBM 2.10.0), so objects PBM still needs are up to
// retentionDays + backup.every old; the rule expires only what is older
// (one day of slack for a late cleanup). It also expires the replica
// bucket's copies, which PBM's deletes do not reach (delete markers are not
// replicated). A missing .pbm.init is recreated by the next backup
// (pbm/backup/backup.go).
func ExpirationDays(t *model.Topology) int {
	every := int((t.Backup.Every + 24*time.Hour - 1) / (24 * time.Hour))
	return t.Backup.RetentionDays + every + 1
}

// ruleWildcard is tfsec's aws-iam-no-policy-wildcards, which flags any
// "*" in a resource; objectsReason is why the object statements have one.
const (
	ruleWildcard  = "aws-iam-no-policy-wildcards"
	objectsReason = "Objects of the backup buckets (under PBM's prefix where it applies): an object ARN has no other form than <bucket ARN>/<key>, so a set of objects needs a wildcard."
)

// backupGlobal renders the global stack's backup.tf: each region's
// replication to the next region (lexical order, wrapping) so a region's
// dumps survive the region, and the storage policy of each region's backup
// role; both name buckets and keys of other regions (the regional stacks'
// outputs).
func backupGlobal(t *model.Topology, f *file) {
	for _, r := range t.Regions {
		if len(t.Regions) > 1 {
			replication(t, r, names.BackupReplicaRegion(t, r), f)
		}
		backupPolicy(t, r, f)
	}
}

// bucketRef is the region's backup bucket in its own stack.
func bucketRef(r model.Region, attr string) string {
	return "aws_s3_bucket." + rid(r) + "_backup." + attr
}

// Region r's backup bucket and key from the global stack.
func bucketARN(r model.Region) string { return rs(r, "backup_bucket_arn") }
func keyARN(r model.Region) string    { return rs(r, "backup_key_arn") }

// backupRegion renders a regional stack's backup.tf: the KMS-encrypted,
// versioned, private backup bucket with retention and the IRSA role of the
// backup ServiceAccount (its storage policy is the global stack's:
// backupPolicy).
func backupRegion(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	p := id
	bucket := names.BackupBucket(t, r)
	f.comment("Region " + r.Name + ": backups in s3://" + bucket)

	k := f.resource("aws_kms_key", id+"_backup", p)
	k.str("description", "MongoDB backups of "+t.Name+" in region "+r.Name)
	k.boolean("enable_key_rotation", true)
	k.num("deletion_window_in_days", 30)
	k.tags("Name", bucket)

	a := f.resource("aws_kms_alias", id+"_backup", p)
	a.str("name", "alias/"+bucket)
	a.ref("target_key_id", "aws_kms_key."+id+"_backup.key_id")

	b := f.resource("aws_s3_bucket", id+"_backup", p)
	b.str("bucket", bucket)
	b.tags("Name", bucket)

	v := f.resource("aws_s3_bucket_versioning", id+"_backup", p)
	v.ref("bucket", bucketRef(r, "id"))
	v.block("versioning_configuration").str("status", "Enabled")

	sse := f.resource("aws_s3_bucket_server_side_encryption_configuration", id+"_backup", p)
	sse.ref("bucket", bucketRef(r, "id"))
	rule := sse.block("rule")
	def := rule.block("apply_server_side_encryption_by_default")
	def.str("sse_algorithm", "aws:kms")
	def.ref("kms_master_key_id", "aws_kms_key."+id+"_backup.arn")
	rule.boolean("bucket_key_enabled", true)

	pab := f.resource("aws_s3_bucket_public_access_block", id+"_backup", p)
	pab.ref("bucket", bucketRef(r, "id"))
	pab.boolean("block_public_acls", true)
	pab.boolean("block_public_policy", true)
	pab.boolean("ignore_public_acls", true)
	pab.boolean("restrict_public_buckets", true)

	lc := f.resource("aws_s3_bucket_lifecycle_configuration", id+"_backup", p)
	lc.ref("bucket", bucketRef(r, "id"))
	lr := lc.block("rule")
	lr.str("id", "retention")
	lr.str("status", "Enabled")
	lr.block("filter")
	lr.block("expiration").num("days", ExpirationDays(t))
	lr.block("noncurrent_version_expiration").num("noncurrent_days", noncurrentDays)
	lr.block("abort_incomplete_multipart_upload").num("days_after_initiation", 1)
	lc.dependsOn("aws_s3_bucket_versioning." + id + "_backup")

	f.irsaRole(id+"_backup", r, names.BackupRole(t, r), t.Kubernetes.Namespace, names.BackupServiceAccount)
}

// replication copies every dump of from's bucket to to's bucket, re-
// encrypted with to's key. The destination's own lifecycle rule expires
// the replicas after the same retention.
func replication(t *model.Topology, from, to model.Region, f *file) {
	id := rid(from)
	p := id
	name := id + "_backup_replication"

	f.serviceRole(name, p, replicationRole(t, from), "s3.amazonaws.com")
	f.inlinePolicy(name, p, "replication", func(pol body) {
		src := pol.block("statement")
		src.str("sid", "ReadSourceBucket")
		src.strs("actions", "s3:GetReplicationConfiguration", "s3:ListBucket")
		src.refs("resources", bucketARN(from))
		obj := pol.block("statement")
		obj.str("sid", "ReadSourceObjects")
		obj.strs("actions", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging")
		obj.tfsecIgnore(ruleWildcard, objectsReason)
		obj.raw("resources", tupleOf(template(f.tr(bucketARN(from)), "/*")))
		dst := pol.block("statement")
		dst.str("sid", "WriteDestinationObjects")
		dst.strs("actions", "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags")
		dst.tfsecIgnore(ruleWildcard, objectsReason)
		dst.raw("resources", tupleOf(template(f.tr(bucketARN(to)), "/*")))
		dec := pol.block("statement")
		dec.str("sid", "DecryptSource")
		dec.strs("actions", "kms:Decrypt")
		dec.refs("resources", keyARN(from))
		enc := pol.block("statement")
		enc.str("sid", "EncryptDestination")
		enc.strs("actions", "kms:Encrypt", "kms:GenerateDataKey")
		enc.refs("resources", keyARN(to))
	})

	rc := f.resource("aws_s3_bucket_replication_configuration", id+"_backup", p)
	rc.ref("bucket", rs(from, "backup_bucket"))
	rc.ref("role", "aws_iam_role."+name+".arn")
	rule := rc.block("rule")
	rule.str("id", "to-"+to.Name)
	rule.str("status", "Enabled")
	rule.block("filter")
	// Deleting a dump in one region must not delete its copy.
	rule.block("delete_marker_replication").str("status", "Disabled")
	rule.block("source_selection_criteria").block("sse_kms_encrypted_objects").str("status", "Enabled")
	d := rule.block("destination")
	d.ref("bucket", bucketARN(to))
	d.str("storage_class", "STANDARD")
	d.block("encryption_configuration").ref("replica_kms_key_id", keyARN(to))
	// Replication requires versioning on both buckets first: each stack's
	// backup_bucket output refers to its versioning resource, so it exists
	// once the output does.
}

// backupPolicy is the storage policy of the role the backup ServiceAccount
// (names.BackupServiceAccount in the MongoDB namespace: the pbm-agent
// sidecars and the pbm Jobs) assumes, created by the region's stack. Every region's agents write to the one PBM storage
// (the storage region's bucket), and after the runbook's storage failover
// to its replica, so each role may use PBM's prefix in both buckets and
// nothing else. The actions are what PBM 2.10.0's S3 storage calls
// (pbm/storage/s3/s3.go): ListObjectsV2 (s3:ListBucket), HeadObject and
// GetObject (s3:GetObject), PutObject and the multipart upload of
// manager.Uploader (s3:PutObject), its abort on failure
// (s3:AbortMultipartUpload), CopyObject (get + put), DeleteObject (pbm
// cleanup, delete-backup). SSE-KMS uploads need kms:GenerateDataKey, and
// kms:Decrypt to complete a multipart upload and to read.
func backupPolicy(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	p := id
	store := names.PBMStorageRegion(t)
	buckets := []model.Region{store}
	if replica := names.BackupReplicaRegion(t, store); replica.Name != store.Name {
		buckets = append(buckets, replica)
	}
	var bucketARNs, keyARNs []string
	var objects []hclwrite.Tokens
	for _, b := range buckets {
		bucketARNs = append(bucketARNs, bucketARN(b))
		keyARNs = append(keyARNs, keyARN(b))
		objects = append(objects, template(f.tr(bucketARN(b)), "/"+names.PBMPrefix+"/*"))
	}
	f.inlinePolicyOn(id+"_backup", p, "pbm-storage", rs(r, "backup_role_name"), func(pol body) {
		l := pol.block("statement")
		l.str("sid", "ListPBMPrefix")
		l.strs("actions", "s3:ListBucket")
		l.refs("resources", bucketARNs...)
		c := l.block("condition")
		c.str("test", "StringLike")
		c.str("variable", "s3:prefix")
		c.strs("values", names.PBMPrefix, names.PBMPrefix+"/*")
		o := pol.block("statement")
		o.str("sid", "ReadWritePBMObjects")
		o.strs("actions", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload")
		o.tfsecIgnore(ruleWildcard, objectsReason)
		o.raw("resources", tupleOf(objects...))
		k := pol.block("statement")
		k.str("sid", "UseBackupKeys")
		k.strs("actions", "kms:GenerateDataKey", "kms:Decrypt")
		k.refs("resources", keyARNs...)
	})
}
