package terraform

import (
	"encoding/json"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// policyEBSCSI is the AWS managed policy of the EBS CSI controller (EKS
// docs, "Create an Amazon EBS CSI driver IAM role").
const policyEBSCSI = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"

// eksAddon is one EKS managed add-on every cluster runs.
type eksAddon struct {
	name string
	// config is the add-on's configuration_values (JSON), or nil.
	config map[string]any
	// role is the IRSA role label the add-on's ServiceAccount assumes, or "".
	role string
	// afterNodes: the add-on runs pods on nodes (Deployments), so EKS only
	// reports it ACTIVE once nodes exist; the others (DaemonSets the nodes
	// need to become Ready) are created before the node groups.
	afterNodes bool
}

// eksAddons are the managed add-ons, in the order they are rendered:
//   - vpc-cni with network-policy enforcement on: its node agent enforces
//     the NetworkPolicies of the region trees, off by default (EKS docs,
//     "Restrict Pod network traffic with Kubernetes network policies":
//     configuration value enableNetworkPolicy "true");
//   - kube-proxy and coredns, the cluster's own networking and DNS;
//   - eks-pod-identity-agent, for add-ons using EKS Pod Identity;
//   - aws-ebs-csi-driver on its IRSA role: it provisions the members'
//     volumes (EKS has no default StorageClass provisioner since 1.30).
func eksAddons(r model.Region) []eksAddon {
	return []eksAddon{
		{name: "vpc-cni", config: map[string]any{"enableNetworkPolicy": "true"}},
		{name: "kube-proxy"},
		{name: "eks-pod-identity-agent"},
		{name: "coredns", afterNodes: true},
		{name: "aws-ebs-csi-driver", role: rid(r) + "_ebs_csi", afterNodes: true},
	}
}

func addonName(r model.Region, a eksAddon) string { return rid(r) + "_" + ident(a.name) }

// addonRefs are the add-ons created before (afterNodes false) or after the
// node groups.
func addonRefs(r model.Region, afterNodes bool) []string {
	var out []string
	for _, a := range eksAddons(r) {
		if a.afterNodes == afterNodes {
			out = append(out, "aws_eks_addon."+addonName(r, a))
		}
	}
	return out
}

// addons renders the region's managed add-ons and the EBS CSI role. The
// node groups depend on the add-ons created before them (nodeGroupDeps),
// and those after them depend on the node groups.
func addons(t *model.Topology, r model.Region, f *file, nodeGroups []string) {
	id := rid(r)
	f.irsaRole(id+"_ebs_csi", r, names.EBSCSIRole(t, r), names.EBSCSINamespace, names.EBSCSIServiceAccount)
	attach(f, id+"_ebs_csi", id, id+"_ebs_csi", policyEBSCSI)
	ebsKey(t, r, f)

	for _, a := range eksAddons(r) {
		ad := f.resource("aws_eks_addon", addonName(r, a), id)
		ad.ref("cluster_name", "aws_eks_cluster."+id+".name")
		ad.str("addon_name", a.name)
		if v, ok := t.Terraform.EKS.AddonVersions[a.name]; ok {
			ad.str("addon_version", v)
		}
		// EKS installs vpc-cni, kube-proxy and coredns itself when the
		// cluster is created: the managed add-on takes them over.
		ad.str("resolve_conflicts_on_create", "OVERWRITE")
		ad.str("resolve_conflicts_on_update", "OVERWRITE")
		if a.name == "coredns" {
			ad.raw("configuration_values", corednsConfig(t, r))
		}
		if a.config != nil {
			b, err := json.Marshal(a.config) // map keys sorted: deterministic
			if err != nil {
				f.fail("add-on %s: %v", a.name, err)
			}
			ad.str("configuration_values", string(b))
		}
		if a.role != "" {
			ad.ref("service_account_role_arn", "aws_iam_role."+a.role+".arn")
		}
		if a.afterNodes {
			ad.dependsOn(nodeGroups...)
		}
	}
}

// ebsKey renders the KMS key encrypting the members' volumes, under the
// alias the region's StorageClass names (names.EBSKMSAlias), and lets the
// EBS CSI controller use it: the volume operations plus grants for AWS
// resources only (EBS CSI driver docs, "KMS key policy for encrypted
// volumes": kms:CreateGrant/ListGrants/RevokeGrant with
// kms:GrantIsForAWSResource, and Encrypt, Decrypt, ReEncrypt*,
// GenerateDataKey*, DescribeKey).
func ebsKey(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	k := f.resource("aws_kms_key", id+"_ebs", id)
	k.str("description", "Encrypts the MongoDB volumes of EKS cluster "+names.EKSCluster(t, r))
	k.boolean("enable_key_rotation", true)
	k.num("deletion_window_in_days", 30)
	k.tags("Name", names.EKSCluster(t, r)+"-ebs")

	a := f.resource("aws_kms_alias", id+"_ebs", id)
	a.str("name", names.EBSKMSAlias(t, r))
	a.ref("target_key_id", "aws_kms_key."+id+"_ebs.key_id")

	f.inlinePolicy(id+"_ebs_csi", id, "ebs-kms", func(pol body) {
		g := pol.block("statement")
		g.str("sid", "GrantsForVolumes")
		g.strs("actions", "kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant")
		g.refs("resources", "aws_kms_key."+id+"_ebs.arn")
		c := g.block("condition")
		c.str("test", "Bool")
		c.str("variable", "kms:GrantIsForAWSResource")
		c.strs("values", "true")
		u := pol.block("statement")
		u.str("sid", "UseKey")
		u.strs("actions", "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey")
		u.refs("resources", "aws_kms_key."+id+"_ebs.arn")
	})
}
