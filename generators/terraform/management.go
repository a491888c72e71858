package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// The management cluster's identities (delivery.management), in the
// bootstrap stack's management.tf.
//
// In the bootstrap stack rather than the global one because the regional
// stacks need them to exist first: each regional cluster's access entry for
// the controllers' role (EKS CreateAccessEntry refuses a principal that
// does not exist: "The specified principalArn is invalid: invalid
// principal"), and each region's GitOps role, whose trust policy names that
// role (IAM refuses a trust policy naming a role that does not exist,
// "Invalid principal in policy"); and the regional stacks are applied
// before the global one. The bootstrap stack runs first, once per account
// and again for every new region, which is when these change too.
//
// Each role trusts EKS Pod Identity (pods.eks.amazonaws.com, sts:AssumeRole
// and sts:TagSession: EKS User Guide, "Create IAM role with trust policy
// required by EKS Pod Identity"), narrowed by the session tags Pod Identity
// sets (eks-cluster-arn, kubernetes-namespace, kubernetes-service-account:
// "Grant Pods access to AWS resources based on tags") to the management
// cluster and exactly the ServiceAccounts of its associations.

func managementParts(t *model.Topology) []part {
	if t.Delivery.Management == nil {
		return nil
	}
	return []part{{"management.tf", func(f *file) { management(t, f) }}}
}

// managementAlias is the bootstrap stack's provider for the management
// cluster's AWS region.
func managementAlias(t *model.Topology) string {
	return cloudRegionAlias(t.Delivery.Management.Region)
}

func management(t *model.Topology, f *file) {
	m := t.Delivery.Management
	p := managementAlias(t)
	f.comment("The management cluster " + m.EKSCluster + " in " + m.Region + ": " + m.Engine + "'s controllers and its external-secrets, by EKS Pod Identity.")

	ns, sas := names.GitOpsControllerServiceAccounts(t)
	podIdentityRole(t, f, "gitops_controller", names.GitOpsControllerRole(t), ns, sas)
	f.inlinePolicy("gitops_controller", p, "regional-clusters", func(pol body) {
		var roles, clusters []string
		for _, r := range t.Regions {
			roles = append(roles, names.RoleARN(t, names.GitOpsRole(t, r)))
			clusters = append(clusters, names.EKSClusterARN(t, r))
		}
		// Argo CD: argocd-k8s-auth assumes awsAuthConfig.roleARN, the
		// region's GitOps role; TagSession because Pod Identity's session
		// tags are passed along the chain (IAM User Guide, "Chaining roles
		// with session tags").
		a := pol.block("statement")
		a.str("sid", "AssumeRegionalGitOpsRoles")
		a.strs("actions", "sts:AssumeRole", "sts:TagSession")
		a.strs("resources", roles...)
		// Flux: provider aws finds each cluster's endpoint and CA.
		d := pol.block("statement")
		d.str("sid", "DescribeRegionalClusters")
		d.strs("actions", "eks:DescribeCluster")
		d.strs("resources", clusters...)
	})
	for _, sa := range sas {
		podIdentityAssociation(t, f, "gitops_"+ident(sa), "gitops_controller", ns, sa)
	}

	if m.Engine != model.EngineArgoCD {
		// Flux reads no Secrets Manager entry: its ConfigMaps name each
		// cluster by ARN.
		return
	}
	es := "management_external_secrets"
	podIdentityRole(t, f, es, names.ManagementExternalSecretsRole(t), names.ExternalSecretsNamespace, []string{names.ExternalSecretsServiceAccount})
	f.inlinePolicy(es, p, "cluster-entries", func(pol body) {
		home := names.ClusterSecretsRegion(t)
		var entries []string
		for _, r := range t.Regions {
			entries = append(entries, "arn:aws:secretsmanager:"+home+":"+t.Terraform.AccountID+":secret:"+names.ClusterSecret(t, r)+"-??????")
		}
		rd := pol.block("statement")
		rd.str("sid", "ReadClusterEntries")
		rd.strs("actions", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
		rd.strs("resources", entries...)
	})
	podIdentityAssociation(t, f, "management_external_secrets", es, names.ExternalSecretsNamespace, names.ExternalSecretsServiceAccount)
}

// podIdentityRole renders role label (named name) trusted by EKS Pod
// Identity for the management cluster's namespace ns and ServiceAccounts sas.
func podIdentityRole(t *model.Topology, f *file, label, name, ns string, sas []string) {
	p := managementAlias(t)
	d := f.data("aws_iam_policy_document", label+"_assume", p)
	st := d.block("statement")
	st.str("sid", "EKSPodIdentity")
	st.strs("actions", "sts:AssumeRole", "sts:TagSession")
	pr := st.block("principals")
	pr.str("type", "Service")
	pr.strs("identifiers", "pods.eks.amazonaws.com")
	for _, c := range []struct {
		tag    string
		values []string
	}{
		{"eks-cluster-arn", []string{names.ManagementClusterARN(t)}},
		{"kubernetes-namespace", []string{ns}},
		{"kubernetes-service-account", sas},
	} {
		cb := st.block("condition")
		cb.str("test", "StringEquals")
		cb.str("variable", "aws:RequestTag/"+c.tag)
		cb.strs("values", c.values...)
	}
	f.role(label, p, name)
}

// podIdentityAssociation maps ServiceAccount ns/sa of the management
// cluster to role.
func podIdentityAssociation(t *model.Topology, f *file, label, role, ns, sa string) {
	a := f.resource("aws_eks_pod_identity_association", label, managementAlias(t))
	a.str("cluster_name", t.Delivery.Management.EKSCluster)
	a.str("namespace", ns)
	a.str("service_account", sa)
	a.ref("role_arn", "aws_iam_role."+role+".arn")
}
