package terraform

import (
	"github.com/topogen/topogen/model"
)

// The state buckets: one definition of where each stack keeps its state,
// which both the stacks' backends (versions) and the bootstrap stack that
// creates the buckets (bootstrap.go) read, so the two cannot disagree
// (TestStateBucketsMatchBackends ties the rendered files together).

// BootstrapStack is the directory of the stack that creates the state
// buckets, under Dir.
const BootstrapStack = "bootstrap"

// stateBucketDef is one S3 bucket holding Terraform state.
type stateBucketDef struct {
	// stack is the directory under Dir of the stack whose state it holds
	// (a region's name, GlobalStack); the bootstrap stack's own state
	// lives in the global stack's bucket (bootstrapBackend).
	stack string
	// bucket is the bucket's name, cloudRegion the AWS region it is in.
	bucket, cloudRegion string
}

// kmsAlias is the alias of the customer key encrypting the bucket's
// objects; the backends name it (kms_key_id), so each state object is
// SSE-KMS with it rather than SSE-S3 (the s3 backend's encrypt = true
// alone asks for AES256 on every PUT, overriding the bucket's default).
func (b stateBucketDef) kmsAlias() string { return "alias/" + b.bucket }

// stateBuckets lists every stack's bucket: each region's stack keeps its
// state in its own AWS region, so losing a region blocks that stack only;
// the global stack's is in terraform.state.region.
func stateBuckets(t *model.Topology) []stateBucketDef {
	var out []stateBucketDef
	for _, r := range t.Regions {
		out = append(out, regionStateBucket(t, r))
	}
	return append(out, globalStateBucketDef(t))
}

// regionStateBucket is the bucket holding region r's state, in r's AWS
// region.
func regionStateBucket(t *model.Topology, r model.Region) stateBucketDef {
	return stateBucketDef{stack: r.Name, bucket: t.Terraform.StateBucket + "-" + r.Name, cloudRegion: r.CloudRegion}
}

// globalStateBucketDef holds the global stack's state (and the bootstrap
// stack's), in terraform.state.region.
func globalStateBucketDef(t *model.Topology) stateBucketDef {
	return stateBucketDef{stack: GlobalStack, bucket: t.Terraform.StateBucket + "-" + GlobalStack, cloudRegion: t.Terraform.StateRegion}
}

// stateBucket is the name of the bucket holding region r's state.
func stateBucket(t *model.Topology, r model.Region) string { return regionStateBucket(t, r).bucket }

// globalStateBucket is the name of the bucket holding the global stack's state.
func globalStateBucket(t *model.Topology) string { return globalStateBucketDef(t).bucket }

// backend is what a stack's S3 backend block says: the bucket, the key in
// it.
type backend struct {
	stateBucketDef
	key string
}

// bootstrapBackend: the bootstrap stack's own state is in the global
// stack's bucket, which it creates, under bootstrap/ (the global stack's
// state is terraform.state.key itself). The first apply cannot use it yet:
// the README's "Deploy" gives the one-time local first run and
// `terraform init -migrate-state` into this backend.
func bootstrapBackend(t *model.Topology) backend {
	return backend{globalStateBucketDef(t), BootstrapStack + "/" + t.Terraform.StateKey}
}
