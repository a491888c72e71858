package kubernetes

import (
	"slices"
	"testing"
)

// TestLoadBalancerSourceRanges: each member's NLB admits the three VPCs of
// the default topology (regions/*.cue: 10.0.0.0/16, 10.1.0.0/16,
// 10.2.0.0/16, in region order apac, eu, us) and kubernetes.clientCIDRs,
// nothing else.
func TestLoadBalancerSourceRanges(t *testing.T) {
	topo := loadWith(t, cases["default"], map[string]string{
		"zz_clients.cue": "package regions\n\nkubernetes: clientCIDRs: [\"192.168.0.0/16\"]\n",
	})
	want := []string{"10.2.0.0/16", "10.1.0.0/16", "10.0.0.0/16", "192.168.0.0/16"}
	files := generate(t, topo)
	for _, r := range topo.Regions {
		objs := objectsIn(t, files, r.Name)
		for _, m := range topo.RegionMembers(r.Name) {
			svc := find(objs, "Service", m.Pod)
			if svc == nil {
				t.Fatalf("no Service %s", m.Pod)
			}
			got, err := svc.GetSlice("spec.loadBalancerSourceRanges")
			if err != nil {
				t.Fatal(err)
			}
			var ranges []string
			for _, g := range got {
				ranges = append(ranges, g.(string))
			}
			if !slices.Equal(ranges, want) {
				t.Errorf("%s: loadBalancerSourceRanges %v, want %v", m.Pod, ranges, want)
			}
		}
	}
}
