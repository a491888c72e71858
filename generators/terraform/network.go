package terraform

import (
	"github.com/topogen/topogen/generators/names"
	"github.com/topogen/topogen/model"
)

// networkRegion renders a regional stack's network.tf: the VPC, its
// subnets (carved by model.CarveSubnets), the internet gateway, one NAT
// gateway per zone (a zone outage does not cut the others' egress) and the
// route tables.
//
// Routes are aws_route resources, never inline route blocks: the peering
// routes are added to the same private tables from the global stack's
// peering.tf, and the provider does not allow mixing the two styles on one
// table.
func networkRegion(t *model.Topology, r model.Region, f *file) {
	id := rid(r)
	p := id
	cluster := names.EKSCluster(t, r)

	f.comment("Region " + r.Name + " (" + r.CloudRegion + ")")
	vpc := f.resource("aws_vpc", id, p)
	vpc.str("cidr_block", r.CIDR.String())
	// Both on: the private hosted zones and EKS need VPC DNS.
	vpc.boolean("enable_dns_support", true)
	vpc.boolean("enable_dns_hostnames", true)
	vpc.tags("Name", names.VPC(t, r)) // the AWS Load Balancer Controller finds the VPC by it

	for _, s := range r.Subnets {
		sn := f.resource("aws_subnet", subnetName(r, s), p)
		sn.ref("vpc_id", "aws_vpc."+id+".id")
		sn.str("cidr_block", s.CIDR.String())
		sn.str("availability_zone", s.Zone)
		// The AWS load balancer controller picks subnets by these tags:
		// internet-facing LBs in public subnets, internal ones in private.
		role := "kubernetes.io/role/internal-elb"
		if s.Tier == model.Public {
			role = "kubernetes.io/role/elb"
		}
		sn.tags(
			"Name", model.RegionalName(t.Name, r.Name)+"-"+string(s.Tier)+"-"+s.Zone,
			role, "1",
			"kubernetes.io/cluster/"+cluster, "shared",
		)
	}

	igw := f.resource("aws_internet_gateway", id, p)
	igw.ref("vpc_id", "aws_vpc."+id+".id")
	igw.tags("Name", model.RegionalName(t.Name, r.Name))

	for _, s := range subnets(r, model.Public) {
		z := ident(s.Zone)
		eip := f.resource("aws_eip", id+"_nat_"+z, p)
		eip.str("domain", "vpc")
		eip.tags("Name", model.RegionalName(t.Name, r.Name)+"-nat-"+s.Zone)
		eip.dependsOn("aws_internet_gateway." + id)

		nat := f.resource("aws_nat_gateway", id+"_"+z, p)
		nat.ref("allocation_id", "aws_eip."+id+"_nat_"+z+".id")
		nat.ref("subnet_id", "aws_subnet."+subnetName(r, s)+".id")
		nat.tags("Name", model.RegionalName(t.Name, r.Name)+"-"+s.Zone)
		nat.dependsOn("aws_internet_gateway." + id)
	}

	pub := f.resource("aws_route_table", id+"_public", p)
	pub.ref("vpc_id", "aws_vpc."+id+".id")
	pub.tags("Name", model.RegionalName(t.Name, r.Name)+"-public")

	rt := f.resource("aws_route", id+"_public_internet", p)
	rt.ref("route_table_id", "aws_route_table."+id+"_public.id")
	rt.str("destination_cidr_block", "0.0.0.0/0")
	rt.ref("gateway_id", "aws_internet_gateway."+id+".id")

	for _, s := range subnets(r, model.Public) {
		a := f.resource("aws_route_table_association", subnetName(r, s), p)
		a.ref("subnet_id", "aws_subnet."+subnetName(r, s)+".id")
		a.ref("route_table_id", "aws_route_table."+id+"_public.id")
	}

	for _, s := range subnets(r, model.Private) {
		z := ident(s.Zone)
		name := privateRouteTable(r, s.Zone)
		prt := f.resource("aws_route_table", name, p)
		prt.ref("vpc_id", "aws_vpc."+id+".id")
		prt.tags("Name", model.RegionalName(t.Name, r.Name)+"-private-"+s.Zone)

		nr := f.resource("aws_route", id+"_private_nat_"+z, p)
		nr.ref("route_table_id", "aws_route_table."+name+".id")
		nr.str("destination_cidr_block", "0.0.0.0/0")
		nr.ref("nat_gateway_id", "aws_nat_gateway."+id+"_"+z+".id")

		a := f.resource("aws_route_table_association", subnetName(r, s), p)
		a.ref("subnet_id", "aws_subnet."+subnetName(r, s)+".id")
		a.ref("route_table_id", "aws_route_table."+name+".id")
	}
}
