package schema

import (
	"fmt"
	"net/netip"

	"github.com/topogen/topogen/model"
)

// eksServiceCIDRs are the blocks EKS takes the cluster's Service IPs from
// when the cluster sets no serviceIpv4Cidr (the Terraform target sets
// none): "If you don't specify a block, Kubernetes assigns addresses from
// either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks" (EKS API
// reference, KubernetesNetworkConfigRequest.serviceIpv4Cidr). Which one is
// not documented, so a VPC overlapping either is refused: every region's
// VPC is peered with every cluster, and a peered VPC inside a cluster's
// Service range is unreachable from its pods.
var eksServiceCIDRs = []netip.Prefix{
	netip.MustParsePrefix("10.100.0.0/16"),
	netip.MustParsePrefix("172.20.0.0/16"),
}

func (c *checker) checkServiceCIDRs(t *model.Topology) {
	for _, r := range t.Regions {
		if !r.CIDR.IsValid() {
			continue
		}
		for _, s := range eksServiceCIDRs {
			if r.CIDR.Overlaps(s) {
				c.errorf([]string{"regions", r.Name, "cidr"}, fmt.Sprintf("give region %q a block outside 10.100.0.0/16 and 172.20.0.0/16, e.g. %q", r.Name, c.suggestCIDR(t, r.CIDR.Bits())),
					"VPC CIDR %s overlaps %s, a block EKS may use for the clusters' Service IPs: pods could not reach the peered VPC", r.CIDR, s)
				break
			}
		}
	}
}
