package terraform

import (
	"fmt"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// AWS name limits for names built from the topology and region names:
//   - IAM role names: at most 64 characters (IAM User Guide, "IAM and AWS
//     STS quotas", role name);
//   - S3 bucket names: 3 to 63 characters (S3 User Guide, "General purpose
//     bucket naming rules");
//   - EKS cluster names: at most 100 characters (EKS API, CreateCluster).
//
// terraform validate does not check them: an over-long name fails only at
// apply, after part of the module exists.
const (
	maxIAMRoleName    = 64
	maxBucketName     = 63
	maxEKSClusterName = 100
)

func eksClusterRole(t *model.Topology, r model.Region) string {
	return names.EKSCluster(t, r) + "-eks-cluster"
}

func eksNodeRole(t *model.Topology, r model.Region) string {
	return names.EKSCluster(t, r) + "-eks-node"
}

// replicationRole is the role S3 assumes to copy the region's backups.
func replicationRole(t *model.Topology, r model.Region) string {
	return names.BackupBucket(t, r) + "-replication"
}

// awsName is one name the module creates for a region.
type awsName struct {
	what, name string
	max        int
}

func regionAWSNames(t *model.Topology, r model.Region) []awsName {
	ns := []awsName{
		{"S3 bucket", names.BackupBucket(t, r), maxBucketName},
		{"S3 bucket", stateBucket(t, r), maxBucketName},
		{"EKS cluster", names.EKSCluster(t, r), maxEKSClusterName},
		{"IAM role", eksClusterRole(t, r), maxIAMRoleName},
		{"IAM role", eksNodeRole(t, r), maxIAMRoleName},
		{"IAM role", names.BackupRole(t, r), maxIAMRoleName},
		{"IAM role", names.ExternalDNSRole(t, r), maxIAMRoleName},
		{"IAM role", names.EBSCSIRole(t, r), maxIAMRoleName},
		{"IAM role", names.LBControllerRole(t, r), maxIAMRoleName},
		{"IAM role", names.ExternalSecretsRole(t, r), maxIAMRoleName},
		{"IAM role", names.GitOpsRole(t, r), maxIAMRoleName},
		{"IAM role", flowLogsRole(t, r), maxIAMRoleName},
	}
	if len(t.Regions) > 1 { // replication exists only between regions
		ns = append(ns, awsName{"IAM role", replicationRole(t, r), maxIAMRoleName})
	}
	return ns
}

// globalAWSNames are the names the module creates once, not per region:
// the management cluster's roles (delivery.management).
func globalAWSNames(t *model.Topology) []awsName {
	if t.Delivery.Management == nil {
		return nil
	}
	return []awsName{
		{"IAM role", names.GitOpsControllerRole(t), maxIAMRoleName},
		{"IAM role", names.ManagementExternalSecretsRole(t), maxIAMRoleName},
	}
}

// CheckNames reports each region whose AWS names (built from the topology
// name, terraform.backupBucketPrefix and the region name) exceed AWS's
// limits, naming the longest offender, so the error comes at vet time
// rather than halfway through terraform apply.
func CheckNames(t *model.Topology) model.Diagnostics {
	var ds model.Diagnostics
	for _, r := range t.Regions {
		var worst *awsName
		for _, n := range regionAWSNames(t, r) {
			if len(n.name) > n.max && (worst == nil || len(n.name)-n.max > len(worst.name)-worst.max) {
				worst = &n
			}
		}
		if worst == nil {
			continue
		}
		ds = append(ds, model.Diagnostic{
			Pos:  t.Pos("regions", r.Name),
			Path: "regions." + r.Name,
			Summary: fmt.Sprintf("the %s name %q is %d characters; AWS allows at most %d",
				worst.what, worst.name, len(worst.name), worst.max),
			Fix: fmt.Sprintf("shorten the region name, the topology name (%q) or terraform.backupBucketPrefix (%q) by %d characters",
				t.Name, t.Terraform.BackupBucketPrefix, len(worst.name)-worst.max),
		})
		if worst.name == stateBucket(t, r) {
			ds[len(ds)-1].Fix = fmt.Sprintf("shorten the region name or terraform.state.bucket (%q) by %d characters", t.Terraform.StateBucket, len(worst.name)-worst.max)
		}
	}
	for _, n := range globalAWSNames(t) {
		if len(n.name) > n.max {
			ds = append(ds, model.Diagnostic{
				Pos:     t.Pos("delivery", "management"),
				Path:    "delivery.management",
				Summary: fmt.Sprintf("the %s name %q is %d characters; AWS allows at most %d", n.what, n.name, len(n.name), n.max),
				Fix:     fmt.Sprintf("shorten the topology name (%q) by %d characters", t.Name, len(n.name)-n.max),
			})
		}
	}
	if g := globalStateBucket(t); len(g) > maxBucketName {
		ds = append(ds, model.Diagnostic{
			Pos:     t.Pos("terraform", "state", "bucket"),
			Path:    "terraform.state.bucket",
			Summary: fmt.Sprintf("the global stack's state bucket %q is %d characters; AWS allows at most %d", g, len(g), maxBucketName),
			Fix:     fmt.Sprintf("shorten terraform.state.bucket by %d characters (each stack's bucket is <bucket>-<region>, the global one <bucket>-%s)", len(g)-maxBucketName, GlobalStack),
		})
	}
	return ds
}
