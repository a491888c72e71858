package names

import "github.com/topogen/topogen/model"

// The management cluster (delivery.management): the identities the
// bootstrap stack creates for the GitOps controllers and for the
// external-secrets running there, by EKS Pod Identity on exactly these
// namespaces and ServiceAccounts, which the GitOps tree installs under.

// GitOpsControllerRole is the IAM role the GitOps engine's controllers run
// as on the management cluster: Argo CD's assume each region's GitOpsRole
// (awsAuthConfig.roleARN), Flux's reach each cluster with it directly (an
// EKS access entry on every regional cluster).
func GitOpsControllerRole(t *model.Topology) string { return t.Name + "-gitops-controller" }

// ManagementExternalSecretsRole is the IAM role of external-secrets on the
// management cluster: it reads the regions' ClusterSecret entries.
func ManagementExternalSecretsRole(t *model.Topology) string {
	return t.Name + "-management-external-secrets"
}

// GitOpsPrincipal is the IAM principal the GitOps controllers run as:
// GitOpsControllerRole with delivery.management, else
// terraform.eks.gitopsPrincipal (empty: none named).
func GitOpsPrincipal(t *model.Topology) string {
	if t.Delivery.Management != nil {
		return RoleARN(t, GitOpsControllerRole(t))
	}
	return t.Terraform.EKS.GitOpsPrincipal
}

// ManagementClusterARN is the management cluster's ARN.
func ManagementClusterARN(t *model.Topology) string {
	m := t.Delivery.Management
	return "arn:aws:eks:" + m.Region + ":" + t.Terraform.AccountID + ":cluster/" + m.EKSCluster
}

// FluxNamespace is where Flux runs (its install's default), and where the
// GitOps tree's Flux objects live.
const FluxNamespace = "flux-system"

// GitOpsControllerServiceAccounts are the ServiceAccounts, in the engine's
// namespace, that reach the regional clusters:
//   - Argo CD: the application controller (syncs), the server (live state,
//     logs, the UI) and the ApplicationSet controller (Argo CD's
//     declarative setup, "EKS": the management role's trust lists these
//     three);
//   - Flux: kustomize-controller and helm-controller, which apply through
//     kubeConfig.configMapRef with provider aws as their own identity
//     (Flux docs, "Kustomization: remote clusters").
func GitOpsControllerServiceAccounts(t *model.Topology) (namespace string, serviceAccounts []string) {
	if t.Delivery.Management != nil && t.Delivery.Management.Engine == model.EngineFlux {
		return FluxNamespace, []string{"helm-controller", "kustomize-controller"}
	}
	return t.Delivery.ArgoCDNamespace, []string{"argocd-application-controller", "argocd-applicationset-controller", "argocd-server"}
}

// ClusterSecretsRegion is the AWS region whose replica of the ClusterSecret
// entries the management cluster's external-secrets reads: the management
// cluster's own when a topology region is there (every entry is replicated
// to each of them), so registering clusters needs no other region; else the
// preferred region's.
func ClusterSecretsRegion(t *model.Topology) string {
	if m := t.Delivery.Management; m != nil {
		for _, r := range t.Regions {
			if r.CloudRegion == m.Region {
				return m.Region
			}
		}
	}
	return t.Preferred().CloudRegion
}
