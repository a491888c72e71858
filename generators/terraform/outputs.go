package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// outputs renders outputs.tf: per region the names and ids the platform
// team and other tooling read (cluster, VPC, private zone, bucket, the
// external-dns role its Helm release needs), then the public zone.
func outputs(t *model.Topology, f *file) {
	for _, r := range t.Regions {
		id := rid(r)
		out := func(name, desc, expr string) {
			o := f.block("output", id+"_"+name)
			o.str("description", desc)
			o.ref("value", expr)
		}
		out("cluster_name", "EKS cluster of region "+r.Name, "aws_eks_cluster."+id+".name")
		out("cluster_endpoint", "API server endpoint of region "+r.Name+"'s EKS cluster", "aws_eks_cluster."+id+".endpoint")
		out("vpc_id", "VPC of region "+r.Name, "aws_vpc."+id+".id")
		out("private_zone_id", "Private hosted zone "+r.DNSZone, "aws_route53_zone."+id+"_private.zone_id")
		out("backup_bucket", "Backup bucket of region "+r.Name, bucketRef(r, "bucket"))
		out("external_dns_role_arn", "IAM role for external-dns ("+names.ExternalDNSNamespace+"/"+names.ExternalDNSServiceAccount+") in region "+r.Name+"'s cluster: annotate its ServiceAccount with eks.amazonaws.com/role-arn",
			"aws_iam_role."+id+"_external_dns.arn")
	}
	o := f.block("output", "public_zone_id")
	o.str("description", "Public hosted zone "+t.DNS.PublicZone)
	o.ref("value", "aws_route53_zone.public.zone_id")
}
