package terraform

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// eksLogTypes are the control-plane logs sent to CloudWatch: the API
// server, the audit log and the IAM authenticator (who became whom); the
// scheduler's and controller manager's are noise for this deployment.
var eksLogTypes = []string{"api", "audit", "authenticator"}

// clusterAdminPolicy is the EKS access policy equivalent to cluster-admin
// (EKS docs, "Review access policy permissions": AmazonEKSClusterAdminPolicy).
const clusterAdminPolicy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

// eksSecretsKey renders the KMS key envelope-encrypting the cluster's
// Secrets (encryption_config), rotated yearly.
func eksSecretsKey(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	cluster := names.EKSCluster(t, r)
	k := f.resource("aws_kms_key", id+"_eks", id)
	k.str("description", "Envelope encryption of Kubernetes Secrets in EKS cluster "+cluster)
	k.boolean("enable_key_rotation", true)
	k.num("deletion_window_in_days", 30)
	k.tags("Name", cluster+"-secrets")

	a := f.resource("aws_kms_alias", id+"_eks", id)
	a.str("name", "alias/"+cluster+"-eks-secrets")
	a.ref("target_key_id", "aws_kms_key."+id+"_eks.key_id")
}

// eksLogGroup renders the control-plane log group under the name EKS
// writes to, "/aws/eks/<cluster>/cluster" (EKS docs, "Send control plane
// logs to CloudWatch Logs"), created first so it has a retention: EKS would
// otherwise create it itself, never expiring.
func eksLogGroup(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	g := f.resource("aws_cloudwatch_log_group", id+"_eks", id)
	g.str("name", "/aws/eks/"+names.EKSCluster(t, r)+"/cluster")
	g.num("retention_in_days", t.Terraform.EKS.LogRetentionDays)
}

// eksPrincipal is one principal given cluster-admin on every cluster.
type eksPrincipal struct{ label, arn string }

// eksPrincipals are terraform.eks.adminPrincipals then the GitOps
// principal (names.GitOpsPrincipal; not the management cluster's Argo CD
// controllers, which reach each cluster only through its GitOps role), each
// labelled by its ARN's resource part ("role/platform-admin"
// gives "role_platform_admin"), so adding one never renames another.
func eksPrincipals(t *model.Topology) []eksPrincipal {
	arns := append([]string(nil), t.Terraform.EKS.AdminPrincipals...)
	m := t.Delivery.Management
	argoManaged := m != nil && m.Engine == model.EngineArgoCD
	if p := names.GitOpsPrincipal(t); p != "" && !argoManaged {
		arns = append(arns, p)
	}
	var out []eksPrincipal
	for _, arn := range arns {
		_, res, _ := strings.Cut(arn, ":iam::")
		if i := strings.IndexByte(res, ':'); i >= 0 {
			res = res[i+1:]
		}
		out = append(out, eksPrincipal{label: principalLabel(res), arn: arn})
	}
	return out
}

func principalLabel(res string) string {
	var b strings.Builder
	for _, c := range res {
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return strings.ToLower(b.String())
}

// eksAccess renders one access entry per principal with the cluster-admin
// access policy on the whole cluster.
func eksAccess(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	for _, p := range eksPrincipals(t) {
		accessEntry(f, id, id+"_"+p.label, lit(p.arn))
	}
}

// accessEntry renders access entry name on region id's cluster for the
// principal arn (a literal or a reference), with the cluster-admin access
// policy on the whole cluster.
func accessEntry(f *file, id, name string, arn hclwrite.Tokens) {
	e := f.resource("aws_eks_access_entry", name, id)
	e.ref("cluster_name", "aws_eks_cluster."+id+".name")
	e.raw("principal_arn", arn)
	e.str("type", "STANDARD")

	a := f.resource("aws_eks_access_policy_association", name, id)
	a.ref("cluster_name", "aws_eks_cluster."+id+".name")
	a.raw("principal_arn", arn)
	a.str("policy_arn", clusterAdminPolicy)
	a.block("access_scope").str("type", "cluster")
	a.dependsOn("aws_eks_access_entry." + name)
}

// CheckEKSAccess checks what CUE cannot: each public-access CIDR parses,
// has no host bits and is not 0.0.0.0/0 (a public endpoint open to the
// internet is what the allowlist exists to prevent), and no principal is
// listed twice (it would get two access entries, which EKS refuses).
func CheckEKSAccess(t *model.Topology) model.Diagnostics {
	var ds model.Diagnostics
	for i, c := range t.Terraform.EKS.PublicAccessCIDRs {
		path := []string{"terraform", "eks", "publicAccessCIDRs", strconv.Itoa(i)}
		d := model.Diagnostic{Pos: t.Pos(path...), Path: strings.Join(path[:3], ".") + "[" + path[3] + "]"}
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil || !p.Addr().Is4():
			d.Summary = fmt.Sprintf("%q is not an IPv4 CIDR block", c)
			d.Fix = `write it as "a.b.c.d/len", e.g. "203.0.113.0/24"`
		case p.Masked() != p:
			d.Summary = fmt.Sprintf("%q has host bits set", c)
			d.Fix = fmt.Sprintf("use %q", p.Masked().String())
		case p.Bits() == 0:
			d.Summary = "0.0.0.0/0 opens the EKS API endpoint to the whole internet"
			d.Fix = "list only the addresses that must reach the API (e.g. the management cluster's NAT gateways), or none for a private endpoint"
		default:
			continue
		}
		ds = append(ds, d)
	}
	seen := map[string]string{}
	for _, p := range eksPrincipals(t) {
		if prev, dup := seen[p.label]; dup {
			ds = append(ds, model.Diagnostic{
				Pos: t.Pos("terraform", "eks"), Path: "terraform.eks",
				Summary: fmt.Sprintf("principals %q and %q are listed twice or name the same role", prev, p.arn),
				Fix:     "list each principal once (adminPrincipals and gitopsPrincipal together)",
			})
		}
		seen[p.label] = p.arn
	}
	return ds
}
