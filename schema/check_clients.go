package schema

import (
	"net/netip"
	"strconv"
)

// clientCIDRs parses kubernetes.clientCIDRs: IPv4 networks written without
// host bits, as the load balancer's security group rules take them.
func (c *checker) clientCIDRs(raw []string) []netip.Prefix {
	var out []netip.Prefix
	for i, s := range raw {
		path := []string{"kubernetes", "clientCIDRs", strconv.Itoa(i)}
		p, err := netip.ParsePrefix(s)
		switch {
		case err != nil || !p.Addr().Is4():
			c.errorf(path, `write an IPv4 network as "a.b.c.d/len", e.g. "192.168.0.0/16"`, "%q is not an IPv4 CIDR block", s)
		case p != p.Masked():
			c.errorf(path, "write the network address, "+strconv.Quote(p.Masked().String()), "%q has host bits set", s)
		default:
			out = append(out, p)
		}
	}
	return out
}
