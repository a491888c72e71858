package terraform

import (
	"github.com/topogen/topogen/model"
)

// Stacks (issue 12, item 9): Terraform that survives a region outage.
//
// Each region has its own root module, terraform/<region>/, with its state
// in its own S3 bucket in its own AWS region: its VPC, EKS cluster and node
// groups, IAM roles, private zone, backup bucket and registration secret.
// It refers to nothing outside itself, so a lost region blocks only its own
// stack.
//
// What spans regions is the global stack, terraform/global/ (state in
// terraform.state.region): the VPC peering mesh, the private zones'
// associations with the other regions' VPCs, backup replication and the
// backup roles' storage policy, the public zone, health checks,
// geolocation records and alarms, and the credentials replicated to every
// region. It reads the regional stacks' outputs through
// terraform_remote_state (s3 backend), never through tag lookups: a
// remote state read is one S3 GetObject of an output the regional stack
// declares (a typo is a plan error naming it), where a tag lookup
// (data "aws_vpc" filtered by tags) needs the EC2 API, matches zero or
// several objects when tags drift, and cannot plan offline at all. The
// offline plan of scripts/validate-terraform.sh points each remote state at
// a local state file holding the regional stack's declared outputs.
//
// Apply order: the bootstrap stack (terraform/bootstrap/: the state
// buckets, bootstrap.go) once per account and again when a region is
// added, then every regional stack, then the global stack. Regional stacks
// never read the global one.

// rs refers to output name of region r's stack from the global stack.
func rs(r model.Region, output string) string {
	return "data.terraform_remote_state." + rid(r) + ".outputs." + output
}

func regionParts(t *model.Topology, r model.Region) []part {
	return []part{
		{"versions.tf", func(f *file) { versions(f, backend{regionStateBucket(t, r), t.Terraform.StateKey}) }},
		{"providers.tf", func(f *file) { provider(t, f, rid(r), r.CloudRegion, r.Name) }},
		{"network.tf", func(f *file) { networkRegion(t, r, f); netBasics(t, r, f) }},
		{"eks.tf", func(f *file) { eksRegion(t, r, f) }},
		{"iam.tf", func(f *file) { iamRoles(t, r, f) }},
		{"dns.tf", func(f *file) { privateZone(t, r, f) }},
		{"backup.tf", func(f *file) { backupRegion(t, r, f) }},
		{"secrets.tf", func(f *file) { clusterSecret(t, r, f) }},
		{"outputs.tf", func(f *file) { regionOutputs(t, r, f) }},
	}
}

func globalParts(t *model.Topology) []part {
	return []part{
		{"versions.tf", func(f *file) { versions(f, backend{globalStateBucketDef(t), t.Terraform.StateKey}) }},
		{"providers.tf", func(f *file) { providers(t, f) }},
		{"remote_state.tf", func(f *file) { remoteStates(t, f) }},
		{"peering.tf", func(f *file) { peering(t, f) }},
		{"dns.tf", func(f *file) { dns(t, f) }},
		{"backup.tf", func(f *file) { backupGlobal(t, f) }},
		{"monitoring.tf", func(f *file) { monitoring(t, f) }},
		{"secrets.tf", func(f *file) { sharedSecrets(t, f) }},
		{"outputs.tf", func(f *file) { globalOutputs(t, f) }},
	}
}

// remoteStates renders one terraform_remote_state per region, reading the
// state its stack's backend writes (same bucket, key and region).
func remoteStates(t *model.Topology, f *file) {
	f.comment("The regional stacks' outputs: apply every regional stack before this one.")
	for _, r := range t.Regions {
		d := f.block("data", "terraform_remote_state", rid(r))
		d.str("backend", "s3")
		d.raw("config", objectOf(
			attr{"bucket", lit(stateBucket(t, r))},
			attr{"key", lit(t.Terraform.StateKey)},
			attr{"region", lit(r.CloudRegion)},
		))
	}
}
