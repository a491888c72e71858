package model

import (
	"net/netip"
)

// CarveSubnets splits a region's VPC into one private and one public subnet
// per zone. The scheme, for a VPC /L (16 <= L <= 20):
//
//   - the VPC is cut into 8 blocks of /L+3;
//   - blocks 0-5 are the private subnets of zones 0-5 (EKS pods take VPC
//     addresses, so private subnets get the bulk: a /19 of a /16);
//   - block 6 is reserved for later use;
//   - block 7 is cut into 8 blocks of /L+6; block i is zone i's public
//     subnet (NAT gateways and load balancers only: a /22 of a /16).
//
// A zone keeps its subnets when zones are appended. Subnets are returned
// private first, then public, each in zone order; tests check they are
// disjoint and inside the VPC.
func CarveSubnets(vpc netip.Prefix, zones []string) []Subnet {
	var out []Subnet
	for i, z := range zones {
		out = append(out, Subnet{Zone: z, Tier: Private, CIDR: nthSubnet(vpc, 3, i)})
	}
	public := nthSubnet(vpc, 3, 7)
	for i, z := range zones {
		out = append(out, Subnet{Zone: z, Tier: Public, CIDR: nthSubnet(public, 3, i)})
	}
	return out
}

// nthSubnet returns the n-th subnet of p with extra more prefix bits.
func nthSubnet(p netip.Prefix, extra, n int) netip.Prefix {
	bits := p.Bits() + extra
	a := p.Masked().Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	base += uint32(n) << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)}), bits)
}
