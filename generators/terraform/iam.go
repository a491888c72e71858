package terraform

import (
	_ "embed"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// lbControllerPolicy is the AWS Load Balancer Controller's IAM policy,
// verbatim: docs/install/iam_policy.json of kubernetes-sigs/
// aws-load-balancer-controller at tag v3.5.0 (commit 11eb202c97e4), the
// controller version of chart 3.5.0 the add-on pins (schema/topology.cue
// addons.awsLoadBalancerController):
// https://raw.githubusercontent.com/kubernetes-sigs/aws-load-balancer-controller/v3.5.0/docs/install/iam_policy.json
// Each regional stack carries it as a file next to its .tf files, so a
// chart upgrade is a reviewable diff of that file. Upgrading the chart
// means replacing this file with the new tag's.
//
//go:embed aws-load-balancer-controller-iam-policy.json
var lbControllerPolicy []byte

// LBControllerPolicyFile is the policy's file name in each regional stack.
const LBControllerPolicyFile = "aws-load-balancer-controller-iam-policy.json"

// secretARN is the ARN pattern of the topology's Secrets Manager secret s
// in region r: a secret's ARN ends in "-" and six random characters, and
// "-??????" matches exactly those, not another secret whose name starts
// with s (Secrets Manager User Guide, "Permissions policy examples": "to
// match a secret name, use -??????").
func secretARN(t *model.Topology, r model.Region, s string) string {
	return "arn:aws:secretsmanager:" + r.CloudRegion + ":" + t.Terraform.AccountID + ":secret:" + s + "-??????"
}

// iamRoles renders a regional stack's iam.tf: the IRSA roles of the
// add-ons the GitOps tree installs (names.LBControllerRole,
// names.ExternalSecretsRole) and the role Argo CD assumes to reach the
// cluster (names.GitOpsRole) with its access entry.
func iamRoles(t *model.Topology, r model.Region, f *file) {
	id := rid(r)

	// The AWS Load Balancer Controller: the upstream policy, unchanged.
	lb := id + "_aws_lb_controller"
	f.irsaRole(lb, r, names.LBControllerRole(t, r), names.LBControllerNamespace, names.LBControllerServiceAccount)
	pol := f.resource("aws_iam_policy", lb, id)
	pol.str("name", names.LBControllerRole(t, r))
	pol.str("description", "AWS Load Balancer Controller v3.5.0 (docs/install/iam_policy.json)")
	// tfsec 1.26 does not read the file; the upstream policy has
	// Resource "*" statements (the controller creates load balancers,
	// target groups and security groups whose ARNs do not exist yet), its
	// mutating ones scoped by the elbv2.k8s.aws/cluster tag.
	pol.raw("policy", call("file", template(f.tr("path.module"), "/"+LBControllerPolicyFile)))
	attachRef(f, lb, id, lb, "aws_iam_policy."+lb+".arn")

	// external-secrets: read the credentials and the CA in this region
	// (each region reads its own replica), and in the preferred region
	// also write the CA once (the PushSecret, updatePolicy IfNotExists).
	es := id + "_external_secrets"
	f.irsaRole(es, r, names.ExternalSecretsRole(t, r), names.ExternalSecretsNamespace, names.ExternalSecretsServiceAccount)
	f.inlinePolicy(es, id, "secrets-manager", func(pol body) {
		var read []string
		for _, s := range SharedSecrets() {
			read = append(read, secretARN(t, r, names.SecretsManagerName(t, s)))
		}
		rd := pol.block("statement")
		rd.str("sid", "ReadTopologySecrets")
		rd.strs("actions", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
		rd.strs("resources", read...)
		if r.Name == t.Preferred().Name {
			// What PushSecret calls on a secret that exists without a
			// value (external-secrets v2.9.0, providers/v1/aws/
			// secretsmanager/secretsmanager.go, PushSecret and
			// putSecretValueWithContext): DescribeSecret (the
			// managed-by tag), PutSecretValue, and DeleteResourcePolicy
			// (manageResourcePolicy removes any policy the PushSecret does
			// not declare; an AccessDenied fails the push).
			w := pol.block("statement")
			w.str("sid", "PushSharedCA")
			w.strs("actions", "secretsmanager:PutSecretValue", "secretsmanager:DeleteResourcePolicy")
			w.strs("resources", secretARN(t, r, names.SecretsManagerName(t, names.SecretCA)))
		}
	})

	// The role Argo CD's controllers assume (awsAuthConfig.roleARN of the
	// cluster Secret the GitOps tree templates) with cluster-admin through
	// an access entry. Trusted by terraform.eks.gitopsPrincipal, or, when
	// none is set, by the account: then any of its principals that its own
	// policy allows sts:AssumeRole on this role (IAM User Guide, "Creating
	// a role to delegate permissions to an IAM user").
	//
	// With delivery.management the principal is the controllers' Pod
	// Identity role (names.GitOpsControllerRole, created by the bootstrap
	// stack before this one), whose session tags are transitive: assuming
	// this role then needs sts:TagSession too (IAM User Guide, "Chaining
	// roles with session tags").
	g := id + "_gitops"
	principal := names.GitOpsPrincipal(t)
	if principal == "" {
		principal = "arn:aws:iam::" + t.Terraform.AccountID + ":root"
	}
	d := f.data("aws_iam_policy_document", g+"_assume", id)
	st := d.block("statement")
	if t.Delivery.Management != nil {
		st.strs("actions", "sts:AssumeRole", "sts:TagSession")
	} else {
		st.strs("actions", "sts:AssumeRole")
	}
	pr := st.block("principals")
	pr.str("type", "AWS")
	pr.strs("identifiers", principal)
	f.role(g, id, names.GitOpsRole(t, r))
	accessEntry(f, id, g, f.tr("aws_iam_role."+g+".arn"))
}

// SharedSecrets are the Secrets Manager secrets (names.SecretsManagerName)
// every region reads: the service users' credentials and the shared CA.
func SharedSecrets() []string {
	return append(credentialSecrets(), names.SecretCA)
}

func attachRef(f *file, name, provider, role, policyRef string) {
	a := f.resource("aws_iam_role_policy_attachment", name, provider)
	a.ref("role", "aws_iam_role."+role+".name")
	a.ref("policy_arn", policyRef)
}
