package terraform

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/topogen/topogen/model"
)

// Provider and backend constraints.
const (
	// requiredVersion: the S3 backend's use_lockfile (S3 native state
	// locking, no DynamoDB table) is experimental in Terraform 1.10 and
	// generally available from 1.11 (Terraform 1.10 and 1.11 upgrade guides).
	requiredVersion = ">= 1.11"
	// awsVersion: 5.100.0, the release the module is validated against (the
	// machine image's provider mirror), and later 5.x; 6.0 is a major
	// release with breaking changes.
	awsVersion = "~> 5.100"
)

// globalAlias is the provider for global resources: the public hosted
// zone, its health checks and records, and the health-check alarms.
//
// It is pinned to us-east-1 rather than to the preferred region because
// Route53 health-check metrics are published to CloudWatch in us-east-1
// only, so their alarms (and the topic the alarms notify) must live there,
// and because a provider that does not depend on the regions means adding
// a region or changing priorities never moves a global resource to another
// provider. A region named "global" would take the same alias: providers
// refuses it.
const (
	globalAlias  = "global"
	globalRegion = "us-east-1"
)

// versions renders versions.tf: Terraform and provider constraints and the
// stack's S3 backend (native lock file, state encrypted with the bucket's
// customer key).
func versions(f *file, b backend) {
	tf := f.block("terraform")
	tf.str("required_version", requiredVersion)
	rp := tf.block("required_providers")
	rp.val("aws", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("hashicorp/aws"),
		"version": cty.StringVal(awsVersion),
	}))
	be := tf.block("backend", "s3")
	be.str("bucket", b.bucket)
	be.str("key", b.key)
	be.str("region", b.cloudRegion)
	be.boolean("encrypt", true)
	// The key by its alias: the key's id is known only once the bootstrap
	// stack created it. The s3 backend accepts an alias name as kms_key_id
	// (internal/backend/remote-state/s3/validate.go, validateKMSKeyID; 1.6.0
	// refused it, hashicorp/terraform#33979, fixed since; checked with
	// Terraform 1.11.4's init).
	be.str("kms_key_id", b.kmsAlias())
	be.boolean("use_lockfile", true)
}

// providers renders the global stack's providers.tf: one aws provider per
// region, aliased by the region's name, plus the global one. A regional
// stack has its region's provider only. There is deliberately no default
// (unaliased) provider, so a block that forgets `provider` fails validate
// instead of landing in an arbitrary region.
func providers(t *model.Topology, f *file) {
	for _, r := range t.Regions {
		if rid(r) == globalAlias {
			f.fail("region %q: its provider alias would clash with the global provider", r.Name)
		}
		provider(t, f, rid(r), r.CloudRegion, r.Name)
	}
	f.comment(
		"Global resources (public zone, health checks, geolocation records, health-check",
		"alarms) use this provider: Route53 health-check metrics exist only in us-east-1,",
		"and a provider independent of the regions keeps them in place when regions change.",
	)
	provider(t, f, globalAlias, globalRegion, globalAlias)
}

func provider(t *model.Topology, f *file, alias, cloudRegion, regionTag string) {
	p := f.block("provider", "aws")
	p.str("alias", alias)
	p.str("region", cloudRegion)
	// A provider whose credentials belong to another account stops before
	// changing anything: every ARN in the module and the manifests names
	// terraform.accountId.
	p.strs("allowed_account_ids", t.Terraform.AccountID)
	dt := p.block("default_tags")
	dt.tags("topology", t.Name, "region", regionTag, "managed-by", "topogen")
}
