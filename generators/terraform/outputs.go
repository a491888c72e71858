package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// routeTableOutput is the regional output holding the private route table
// of zone: one string output per table (not a list), so the global stack
// names exactly the table it routes through.
func routeTableOutput(zone string) string { return "private_route_table_" + ident(zone) }

func output(f *file, name, desc, expr string) {
	o := f.block("output", name)
	o.str("description", desc)
	o.ref("value", expr)
}

// regionOutputs renders a regional stack's outputs.tf: what the platform
// team and other tooling read (cluster, IAM role ARNs) and what the global
// stack reads through terraform_remote_state (VPC, route tables, zone,
// backup bucket and key). Every output is a string.
func regionOutputs(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	c := "aws_eks_cluster." + id
	output(f, "cluster_name", "EKS cluster of region "+r.Name, c+".name")
	output(f, "cluster_arn", "ARN of region "+r.Name+"'s EKS cluster", c+".arn")
	output(f, "cluster_endpoint", "API server endpoint of region "+r.Name+"'s EKS cluster", c+".endpoint")
	output(f, "cluster_certificate_authority", "CA of region "+r.Name+"'s EKS cluster (base64 PEM)", c+".certificate_authority[0].data")
	output(f, "oidc_provider_arn", "IRSA identity provider of region "+r.Name+"'s EKS cluster", "aws_iam_openid_connect_provider."+id+".arn")
	output(f, "vpc_id", "VPC of region "+r.Name, "aws_vpc."+id+".id")
	for _, s := range subnets(r, model.Private) {
		output(f, routeTableOutput(s.Zone), "Private route table of zone "+s.Zone, "aws_route_table."+privateRouteTable(r, s.Zone)+".id")
	}
	output(f, "private_zone_id", "Private hosted zone "+r.DNSZone, "aws_route53_zone."+id+"_private.zone_id")
	// Through the versioning resource: replication (global stack) needs
	// versioning on, and reads the bucket from this output.
	output(f, "backup_bucket", "Backup bucket of region "+r.Name+" (versioned)", "aws_s3_bucket_versioning."+id+"_backup.bucket")
	output(f, "backup_bucket_arn", "ARN of region "+r.Name+"'s backup bucket", bucketRef(r, "arn"))
	output(f, "backup_key_arn", "KMS key of region "+r.Name+"'s backup bucket", "aws_kms_key."+id+"_backup.arn")
	output(f, "backup_role_name", "IAM role of the backup ServiceAccount ("+t.Kubernetes.Namespace+"/"+names.BackupServiceAccount+"); the global stack attaches its storage policy", "aws_iam_role."+id+"_backup.name")
	for _, role := range regionRoles(t, r) {
		output(f, role.label+"_role_arn", "IAM role "+role.name+": "+role.what, "aws_iam_role."+id+"_"+role.label+".arn")
	}
	output(f, "cluster_secret_arn", "Secrets Manager entry "+names.ClusterSecret(t, r)+" (endpoint and CA)", "aws_secretsmanager_secret."+id+"_cluster.arn")
}

// roleOutput is one IAM role of a regional stack whose ARN is an output.
type roleOutput struct{ label, name, what string }

func regionRoles(t *model.Topology, r model.Region) []roleOutput {
	return []roleOutput{
		{"eks_cluster", eksClusterRole(t, r), "the EKS cluster's"},
		{"eks_node", eksNodeRole(t, r), "the EKS nodes'"},
		{"ebs_csi", names.EBSCSIRole(t, r), "EBS CSI controller (" + names.EBSCSINamespace + "/" + names.EBSCSIServiceAccount + ")"},
		{"external_dns", names.ExternalDNSRole(t, r), "external-dns (" + names.ExternalDNSNamespace + "/" + names.ExternalDNSServiceAccount + ")"},
		{"backup", names.BackupRole(t, r), "backups (" + t.Kubernetes.Namespace + "/" + names.BackupServiceAccount + ")"},
		{"aws_lb_controller", names.LBControllerRole(t, r), "AWS Load Balancer Controller (" + names.LBControllerNamespace + "/" + names.LBControllerServiceAccount + ")"},
		{"external_secrets", names.ExternalSecretsRole(t, r), "external-secrets (" + names.ExternalSecretsNamespace + "/" + names.ExternalSecretsServiceAccount + ")"},
		{"flow_logs", flowLogsRole(t, r), "VPC flow logs' (vpc-flow-logs.amazonaws.com)"},
		{"gitops", names.GitOpsRole(t, r), "Argo CD's access to the cluster (awsAuthConfig.roleARN; EKS access entry, cluster-admin)"},
	}
}

// globalOutputs renders the global stack's outputs.tf.
func globalOutputs(t *model.Topology, f *file) {
	output(f, "public_zone_id", "Public hosted zone "+t.DNS.PublicZone, publicZoneID(t))
	if t.DNS.CreatePublicZone {
		o := f.block("output", "public_zone_name_servers")
		o.str("description", "Name servers of "+t.DNS.PublicZone+": delegate the domain to them at its registrar or parent zone")
		o.ref("value", "aws_route53_zone.public.name_servers")
	}
	output(f, "alerts_topic_arn", "SNS topic of the health-check alarms", "aws_sns_topic.health_checks.arn")
	for _, s := range SharedSecrets() {
		output(f, ident(s)+"_secret_arn", "Secrets Manager secret "+names.SecretsManagerName(t, s)+" (primary in "+SecretsHome(t).CloudRegion+", replicated to every region)", "aws_secretsmanager_secret."+ident(s)+".arn")
	}
}
