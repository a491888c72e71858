package model

import (
	"regexp"
	"testing"
)

// TestMemberHostRegionRe: the regex the Prometheus rules use reads back the
// region of every host MemberHost writes, anchored as label_replace
// anchors it, port included.
func TestMemberHostRegionRe(t *testing.T) {
	re := regexp.MustCompile("^(?:" + MemberHostRegionRe + ")$")
	for _, c := range []struct{ rs, region, domain string }{
		{"global-rs", "eu", "db.myapp.internal"},
		{"rs0", "ap-southeast", "example.com"},
		{"a-b-c", "us2", "x.y.z.internal"},
	} {
		for ordinal := range 3 {
			m := Member{Host: MemberHost(PodName(c.rs, c.region, ordinal), DNSZone(c.region, c.domain)), Port: 27017}
			got := re.FindStringSubmatch(m.HostPort())
			if got == nil || got[1] != c.region {
				t.Errorf("%s: captured %q, want %q", m.HostPort(), got, c.region)
			}
		}
	}
}
