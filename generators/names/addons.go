package names

import "github.com/topogen/topogen/model"

// The cluster add-ons' identities: the Terraform target creates each IAM
// role (IRSA trust on exactly this namespace and ServiceAccount) and each
// Secrets Manager secret; the GitOps and Kubernetes targets install the
// add-on under this ServiceAccount, annotated with the role's ARN, and read
// the secrets by these names. One definition, so the two sides cannot drift.
const (
	// AWS Load Balancer Controller: provisions each member's NLB.
	LBControllerNamespace      = "kube-system"
	LBControllerServiceAccount = "aws-load-balancer-controller"
	// EBS CSI driver (EKS managed add-on): provisions the members' volumes.
	EBSCSINamespace      = "kube-system"
	EBSCSIServiceAccount = "ebs-csi-controller-sa"
	// external-secrets: delivers credentials and the shared CA from AWS
	// Secrets Manager.
	ExternalSecretsNamespace      = "external-secrets"
	ExternalSecretsServiceAccount = "external-secrets"
	// cert-manager: issues the member certificates.
	CertManagerNamespace = "cert-manager"
)

// Secret names under which each credential and the shared CA live in AWS
// Secrets Manager and, with the same base name, in each region's namespace.
const (
	SecretAdmin    = "mongodb-admin"
	SecretExporter = "mongodb-exporter"
	SecretBackup   = "mongodb-backup"
	// SecretCA is the one CA every region's issuer signs with (tls.crt,
	// tls.key): created once in the preferred region by cert-manager,
	// pushed to Secrets Manager, pulled by every region.
	SecretCA = "mongodb-ca"
	// SecretCACert holds only the CA's certificate (ca.crt), in the
	// MongoDB namespace: the source of what applications get.
	SecretCACert = "mongodb-ca-cert"
	// ClientCA names what the application namespace gets to trust the
	// members: a Secret with ca.crt only, the ExternalSecret making it,
	// its SecretStore and ServiceAccount, and the Role letting that
	// ServiceAccount read SecretCACert.
	ClientCA = "mongodb-client-ca"
)

// SecretsManagerName is the AWS Secrets Manager name of secret s:
// "<topology>/<s>", so one topology's secrets share a prefix an IAM policy
// can scope to (SecretsManagerPrefix).
func SecretsManagerName(t *model.Topology, s string) string {
	return SecretsManagerPrefix(t) + s
}

// SecretsManagerPrefix is the name prefix of every secret of the topology.
func SecretsManagerPrefix(t *model.Topology) string { return t.Name + "/" }

// LBControllerRole is the IAM role the AWS Load Balancer Controller assumes.
func LBControllerRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-aws-lb-controller"
}

// EBSCSIRole is the IAM role the EBS CSI controller assumes.
func EBSCSIRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-ebs-csi"
}

// ExternalSecretsRole is the IAM role external-secrets assumes to read
// (and, for the CA in the preferred region, write) the topology's secrets.
func ExternalSecretsRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-external-secrets"
}

// RoleARN is the ARN of the IAM role named role in the topology's account.
func RoleARN(t *model.Topology, role string) string {
	return "arn:aws:iam::" + t.Terraform.AccountID + ":role/" + role
}
