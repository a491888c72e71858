package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// AWS managed policies the cluster and its nodes need.
const (
	policyCluster = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
	policyWorker  = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
	policyCNI     = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
	policyECR     = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
)

// eksRegion renders a regional stack's eks.tf: the cluster and its IAM
// role, the node role, the node groups and the OIDC provider IRSA roles
// trust.
func eksRegion(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	p := id
	cluster := names.EKSCluster(t, r)
	f.serviceRole(id+"_eks_cluster", p, eksClusterRole(t, r), "eks.amazonaws.com")
	attach(f, id+"_eks_cluster", p, id+"_eks_cluster", policyCluster)
	// The cluster role uses the secrets key (EKS docs, "Encrypt Kubernetes
	// secrets with KMS on existing clusters": the cluster role needs
	// kms:Encrypt, kms:Decrypt, kms:ListGrants and kms:DescribeKey on it).
	f.inlinePolicy(id+"_eks_cluster", p, "secrets-encryption", func(pol body) {
		st := pol.block("statement")
		st.str("sid", "UseSecretsKey")
		st.strs("actions", "kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey")
		st.refs("resources", "aws_kms_key."+id+"_eks.arn")
	})

	eksSecretsKey(t, r, f)
	eksLogGroup(t, r, f)

	c := f.resource("aws_eks_cluster", id, p)
	c.str("name", cluster)
	c.str("version", t.Terraform.EKSVersion)
	c.ref("role_arn", "aws_iam_role."+id+"_eks_cluster.arn")
	c.strs("enabled_cluster_log_types", eksLogTypes...)
	vc := c.block("vpc_config")
	vc.refs("subnet_ids", subnetRefs(r, model.Private)...)
	// Private by default: nodes, the VPCs' peers and anything routed into
	// the VPC reach the API server; the public endpoint exists only for
	// an explicit allowlist (terraform.eks.publicAccessCIDRs, which
	// CheckEKSAccess keeps off 0.0.0.0/0).
	public := t.Terraform.EKS.PublicAccessCIDRs
	vc.boolean("endpoint_private_access", true)
	vc.boolean("endpoint_public_access", len(public) > 0)
	if len(public) > 0 {
		vc.strs("public_access_cidrs", public...)
	}
	// Access entries only (no aws-auth ConfigMap), and no implicit admin for
	// whoever runs terraform apply: cluster access is what the topology
	// lists (eksAccess).
	ac := c.block("access_config")
	ac.str("authentication_mode", "API")
	ac.boolean("bootstrap_cluster_creator_admin_permissions", false)
	// Envelope encryption of Secrets with the region's key.
	enc := c.block("encryption_config")
	enc.strs("resources", "secrets")
	enc.block("provider").ref("key_arn", "aws_kms_key."+id+"_eks.arn")
	// STANDARD: at the end of standard support EKS upgrades the cluster
	// instead of billing extended support; vet warns 90 days before
	// (eksversions.go).
	c.block("upgrade_policy").str("support_type", "STANDARD")
	c.dependsOn("aws_iam_role_policy_attachment."+id+"_eks_cluster", "aws_iam_role_policy."+id+"_eks_cluster", "aws_cloudwatch_log_group."+id+"_eks")

	eksAccess(t, r, f)

	f.serviceRole(id+"_eks_node", p, eksNodeRole(t, r), "ec2.amazonaws.com")
	nodeAttachments := []struct{ suffix, arn string }{
		{"worker", policyWorker},
		{"cni", policyCNI},
		{"ecr", policyECR},
	}
	var deps []string
	for _, a := range nodeAttachments {
		attach(f, id+"_eks_node_"+a.suffix, p, id+"_eks_node", a.arn)
		deps = append(deps, "aws_iam_role_policy_attachment."+id+"_eks_node_"+a.suffix)
	}

	groups := nodeGroups(t, r, f, append(deps, addonRefs(r, false)...))

	// The IRSA identity provider. thumbprint_list is omitted: it is
	// optional in the 5.x provider, and IAM trusts EKS's OIDC issuers
	// through its own root CAs rather than a configured thumbprint.
	oidc := f.resource("aws_iam_openid_connect_provider", id, p)
	oidc.ref("url", "aws_eks_cluster."+id+".identity[0].oidc[0].issuer")
	oidc.strs("client_id_list", "sts.amazonaws.com")
	oidc.tags("Name", cluster)

	// The issuer without its scheme: the prefix of the sub and aud
	// condition keys in IRSA trust policies.
	l := f.block("locals")
	l.raw(oidcIssuerLocal(r), call("trimprefix", f.tr("aws_eks_cluster."+id+".identity[0].oidc[0].issuer"), lit("https://")))

	addons(t, r, f, groups)
}

func oidcIssuerLocal(r model.Region) string { return rid(r) + "_oidc_issuer" }

// assumeRole renders the trust policy letting an AWS service assume a role.
func assumeRole(f *file, name, provider, service string) {
	d := f.data("aws_iam_policy_document", name, provider)
	st := d.block("statement")
	st.strs("actions", "sts:AssumeRole")
	pr := st.block("principals")
	pr.str("type", "Service")
	pr.strs("identifiers", service)
}

// serviceRole renders the IAM role label (named name) that an AWS service
// assumes, after its trust policy document label+"_assume".
func (f *file) serviceRole(label, provider, name, service string) {
	assumeRole(f, label+"_assume", provider, service)
	f.role(label, provider, name)
}

// irsaRole renders the IAM role label (named name) that a Kubernetes
// ServiceAccount of region r assumes, after its trust policy document
// label+"_assume".
func (f *file) irsaRole(label string, r model.Region, name, namespace, serviceAccount string) {
	irsaTrust(f, label+"_assume", r, namespace, serviceAccount)
	f.role(label, rid(r), name)
}

// role renders the IAM role label, assumed as the trust policy document
// label+"_assume" (rendered just before by serviceRole or irsaRole) allows.
func (f *file) role(label, provider, name string) {
	r := f.resource("aws_iam_role", label, provider)
	r.str("name", name)
	r.ref("assume_role_policy", "data.aws_iam_policy_document."+label+"_assume.json")
}

// inlinePolicy renders the policy document label, its statements written
// by statements, and attaches it to role label as the inline policy name.
func (f *file) inlinePolicy(label, provider, name string, statements func(pol body)) {
	f.inlinePolicyOn(label, provider, name, "aws_iam_role."+label+".id", statements)
}

// inlinePolicyOn is inlinePolicy on the role role refers to (a role of
// another stack, by its name).
func (f *file) inlinePolicyOn(label, provider, name, role string, statements func(pol body)) {
	statements(f.data("aws_iam_policy_document", label, provider))
	rp := f.resource("aws_iam_role_policy", label, provider)
	rp.str("name", name)
	rp.ref("role", role)
	rp.ref("policy", "data.aws_iam_policy_document."+label+".json")
}

// irsaTrust renders the trust policy letting one Kubernetes ServiceAccount
// of region r assume a role through the cluster's OIDC provider (IRSA).
func irsaTrust(f *file, name string, r model.Region, namespace, serviceAccount string) {
	id := rid(r)
	issuer := f.tr("local." + oidcIssuerLocal(r))
	d := f.data("aws_iam_policy_document", name, id)
	st := d.block("statement")
	st.strs("actions", "sts:AssumeRoleWithWebIdentity")
	pr := st.block("principals")
	pr.str("type", "Federated")
	pr.refs("identifiers", "aws_iam_openid_connect_provider."+id+".arn")
	sub := st.block("condition")
	sub.str("test", "StringEquals")
	sub.raw("variable", template(issuer, ":sub"))
	sub.strs("values", "system:serviceaccount:"+namespace+":"+serviceAccount)
	aud := st.block("condition")
	aud.str("test", "StringEquals")
	aud.raw("variable", template(issuer, ":aud"))
	aud.strs("values", "sts.amazonaws.com")
}

func attach(f *file, name, provider, role, policyARN string) {
	a := f.resource("aws_iam_role_policy_attachment", name, provider)
	a.ref("role", "aws_iam_role."+role+".name")
	a.str("policy_arn", policyARN)
}
