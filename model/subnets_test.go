package model

import (
	"net/netip"
	"testing"
)

func TestCarveSubnets(t *testing.T) {
	tests := []struct {
		vpc   string
		zones int
	}{
		{"10.0.0.0/16", 3}, {"10.1.0.0/16", 6}, {"172.16.0.0/20", 1}, {"192.168.0.0/18", 4},
	}
	for _, tt := range tests {
		t.Run(tt.vpc, func(t *testing.T) {
			vpc := netip.MustParsePrefix(tt.vpc)
			zones := []string{"a", "b", "c", "d", "e", "f"}[:tt.zones]
			subnets := CarveSubnets(vpc, zones)
			if len(subnets) != 2*tt.zones {
				t.Fatalf("%d subnets, want %d", len(subnets), 2*tt.zones)
			}
			for i, a := range subnets {
				if !vpc.Contains(a.CIDR.Addr()) || a.CIDR.Bits() < vpc.Bits() {
					t.Errorf("%s outside VPC %s", a.CIDR, vpc)
				}
				last := lastAddr(a.CIDR)
				if !vpc.Contains(last) {
					t.Errorf("%s ends outside VPC %s", a.CIDR, vpc)
				}
				for _, b := range subnets[i+1:] {
					if a.CIDR.Overlaps(b.CIDR) {
						t.Errorf("%s overlaps %s", a.CIDR, b.CIDR)
					}
				}
			}
		})
	}
	// A zone keeps its subnets when zones are appended.
	vpc := netip.MustParsePrefix("10.0.0.0/16")
	three := CarveSubnets(vpc, []string{"a", "b", "c"})
	four := CarveSubnets(vpc, []string{"a", "b", "c", "d"})
	for _, s := range three {
		found := false
		for _, f := range four {
			found = found || f == s
		}
		if !found {
			t.Errorf("subnet %v moved when a zone was added", s)
		}
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= 1<<(32-p.Bits()) - 1
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}
