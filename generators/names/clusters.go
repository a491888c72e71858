package names

import "github.com/topogen/topogen/model"

// What the GitOps target needs to know about each regional cluster, and
// what the Terraform target must create under exactly these names for the
// management cluster to reach it without hand-made credentials.

// ClusterSecret is the Secrets Manager secret in which the region's stack
// records how to reach its EKS cluster: a JSON object with the keys
// ClusterKeyServer (the API endpoint, https://...) and ClusterKeyCAData (the
// cluster CA, base64 PEM as aws_eks_cluster.certificate_authority[0].data
// gives it). Neither is secret; Secrets Manager is only the channel
// external-secrets in the management cluster reads to template the Argo CD
// cluster Secret.
func ClusterSecret(t *model.Topology, r model.Region) string {
	return SecretsManagerName(t, "clusters/"+r.Name)
}

// Keys of ClusterSecret's JSON value.
const (
	ClusterKeyServer = "server"
	ClusterKeyCAData = "caData"
)

// GitOpsRole is the IAM role Argo CD's controllers assume
// (awsAuthConfig.roleARN) to reach the region's cluster: the region's stack
// creates it with an EKS access entry (AmazonEKSClusterAdminPolicy, cluster
// scope) and trusts the topology's GitOps principal to assume it.
func GitOpsRole(t *model.Topology, r model.Region) string {
	return model.RegionalName(t.Name, r.Name) + "-gitops"
}

// EKSClusterARN is the ARN of the region's EKS cluster; Flux's aws
// provider finds the endpoint and CA from it (eks:DescribeCluster).
func EKSClusterARN(t *model.Topology, r model.Region) string {
	return "arn:aws:eks:" + r.CloudRegion + ":" + t.Terraform.AccountID + ":cluster/" + EKSCluster(t, r)
}

// VPC is the Name tag of the region's VPC; the AWS Load Balancer Controller
// finds its VPC by it (vpcTags), as the nodes' IMDSv2 hop limit of 1 keeps
// pods from asking the instance metadata service.
func VPC(t *model.Topology, r model.Region) string { return model.RegionalName(t.Name, r.Name) }

// EBSKMSAlias is the alias of the KMS key encrypting the region's member
// volumes; the StorageClass names it by alias ARN, which EC2 CreateVolume
// accepts as KmsKeyId, so the generated tree needs no key id.
func EBSKMSAlias(t *model.Topology, r model.Region) string {
	return "alias/" + model.RegionalName(t.Name, r.Name) + "-ebs"
}

// EBSKMSAliasARN is EBSKMSAlias as an ARN in the region.
func EBSKMSAliasARN(t *model.Topology, r model.Region) string {
	return "arn:aws:kms:" + r.CloudRegion + ":" + t.Terraform.AccountID + ":" + EBSKMSAlias(t, r)
}

// PublicAPIRecord is the region's record in the public zone,
// "<apiRecord>-<region>.<publicZone>": the application's ingress publishes
// it through external-dns, the Route53 health checks probe it.
func PublicAPIRecord(t *model.Topology, r model.Region) string {
	return t.DNS.APIRecord + "-" + r.Name + "." + t.DNS.PublicZone
}

// CABootstrap names the preferred region's bootstrap CA: its selfSigned
// Issuer, its Certificate and the Secret cert-manager writes it to. The
// PushSecret copies that Secret to Secrets Manager (SecretCA) once; every
// region's issuer signs with the copy pulled back from there.
const CABootstrap = "mongodb-ca-bootstrap"
