package terraform

import (
	"github.com/topogen/topogen/model"
)

// peering renders the global stack's peering.tf: every unordered pair of regions exactly once,
// requested by the lexically-first region (t.Regions is sorted) and
// accepted in the other, so n regions give n(n-1)/2 connections and adding
// a region only adds the pairs that name it.
//
// Per pair: the connection (auto_accept cannot work across regions, so the
// accepter resource accepts it in the peer's provider), DNS resolution
// across the peering on both sides, and a route to the peer's CIDR in every
// private route table on both sides: members reach each other through
// per-member internal NLBs in the private subnets (generators/kubernetes,
// services.go), whose security groups the AWS Load Balancer Controller
// manages from the Services' loadBalancerSourceRanges.
func peering(t *model.Topology, f *file) {
	if len(t.Regions) == 1 {
		f.comment("A single region: nothing to peer.")
	}
	for i, a := range t.Regions {
		for _, b := range t.Regions[i+1:] {
			peerPair(t, a, b, f)
		}
	}
}

func pairName(a, b model.Region) string { return rid(a) + "_to_" + rid(b) }

func peerPair(t *model.Topology, a, b model.Region, f *file) {
	pair := pairName(a, b)
	f.comment("Peering " + a.Name + " (" + a.CloudRegion + ") <-> " + b.Name + " (" + b.CloudRegion + ")")

	pc := f.resource("aws_vpc_peering_connection", pair, rid(a))
	pc.ref("vpc_id", rs(a, "vpc_id"))
	pc.ref("peer_vpc_id", rs(b, "vpc_id"))
	pc.str("peer_region", b.CloudRegion)
	pc.boolean("auto_accept", false)
	pc.tags("Name", t.Name+"-"+a.Name+"-"+b.Name)

	acc := f.resource("aws_vpc_peering_connection_accepter", pair, rid(b))
	acc.ref("vpc_peering_connection_id", "aws_vpc_peering_connection."+pair+".id")
	acc.boolean("auto_accept", true)
	acc.tags("Name", t.Name+"-"+a.Name+"-"+b.Name)

	// Options can only be set on an active connection: reference the
	// accepter's id so they wait for the acceptance. Each side sets its own
	// block in its own region.
	req := f.resource("aws_vpc_peering_connection_options", pair+"_requester", rid(a))
	req.ref("vpc_peering_connection_id", "aws_vpc_peering_connection_accepter."+pair+".id")
	req.block("requester").boolean("allow_remote_vpc_dns_resolution", true)

	accOpt := f.resource("aws_vpc_peering_connection_options", pair+"_accepter", rid(b))
	accOpt.ref("vpc_peering_connection_id", "aws_vpc_peering_connection_accepter."+pair+".id")
	accOpt.block("accepter").boolean("allow_remote_vpc_dns_resolution", true)

	peerRoutes(a, b, pair, f)
	peerRoutes(b, a, pair, f)
}

// peerRoutes adds the route to to's CIDR in each of from's private tables.
func peerRoutes(from, to model.Region, pair string, f *file) {
	for _, s := range subnets(from, model.Private) {
		r := f.resource("aws_route", rid(from)+"_to_"+rid(to)+"_"+ident(s.Zone), rid(from))
		r.ref("route_table_id", rs(from, routeTableOutput(s.Zone)))
		r.str("destination_cidr_block", to.CIDR.String())
		r.ref("vpc_peering_connection_id", "aws_vpc_peering_connection_accepter."+pair+".id")
	}
}
