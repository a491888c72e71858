package schema

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/topogen/topogen/model"
)

// parseCIDR reads a region's VPC block: IPv4, the network address, /16 to
// /20 (the subnet scheme of model/subnets.go), warning outside RFC 1918.
func (c *checker) parseCIDR(s string, path []string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		c.errorf(path, `write an IPv4 network as "a.b.c.d/len", e.g. "10.3.0.0/16"`, "%q is not a CIDR block", s)
		return netip.Prefix{}
	case !p.Addr().Is4():
		c.errorf(path, `use an IPv4 block, e.g. "10.3.0.0/16"`, "%q is not IPv4: the VPC's primary CIDR must be IPv4", s)
		return netip.Prefix{}
	case p.Masked() != p:
		c.errorf(path, fmt.Sprintf("write the network address: %q", p.Masked().String()), "%q has host bits set", s)
		return netip.Prefix{}
	case p.Bits() < 16 || p.Bits() > 20:
		c.errorf(path, `use a prefix length between /16 and /20, e.g. "10.3.0.0/16"`,
			"%q is a /%d: AWS VPCs are /16 to /28 and topogen's subnet scheme needs at least /20 (six /23 private and six /26 public subnets)", s, p.Bits())
		return netip.Prefix{}
	case !p.Addr().IsPrivate():
		c.warnf(path, "use an RFC 1918 range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", "%q is not a private range", s)
	}
	return p
}

// checkCIDRsDisjoint: VPC peering needs disjoint CIDRs; report each
// overlapping pair once, at the later region, naming both.
func (c *checker) checkCIDRsDisjoint(t *model.Topology) {
	for i, a := range t.Regions {
		for _, b := range t.Regions[i+1:] {
			if a.CIDR.IsValid() && b.CIDR.IsValid() && a.CIDR.Overlaps(b.CIDR) {
				c.errorf([]string{"regions", b.Name, "cidr"}, fmt.Sprintf("give region %q a block outside %s, e.g. %q", b.Name, a.CIDR, c.suggestCIDR(t, b.CIDR.Bits())),
					"VPC CIDR %s of region %q overlaps %s of region %q (%s): VPC peering needs disjoint CIDRs", b.CIDR, b.Name, a.CIDR, a.Name, c.pos("regions", a.Name, "cidr"))
			}
		}
	}
}

// suggestCIDR finds a 10.x.0.0/bits block no region uses.
func (c *checker) suggestCIDR(t *model.Topology, bits int) string {
	taken := slices.Clone(c.leftOut)
	for _, r := range t.Regions {
		if r.CIDR.IsValid() {
			taken = append(taken, r.CIDR)
		}
	}
	for x := 0; x < 256; x++ {
		cand := netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(x), 0, 0}), bits)
		free := true
		for _, p := range taken {
			if p.Overlaps(cand) {
				free = false
				break
			}
		}
		if free {
			return cand.String()
		}
	}
	return "10.0.0.0/16"
}
