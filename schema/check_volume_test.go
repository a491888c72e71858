package schema

import (
	"strings"
	"testing"

	"github.com/topogen/topogen/model"
)

// TestVolumePerformance: the gp3 ratios (Amazon EBS User Guide, gp3: at
// most 500 IOPS per GiB, at most 0.25 MiB/s per provisioned IOPS).
func TestVolumePerformance(t *testing.T) {
	for _, c := range []struct {
		size             string
		iops, throughput int
		wantField        string // "" = valid
	}{
		{"1Ti", 3000, 125, ""},
		{"1Ti", 16000, 1000, ""},
		{"10Gi", 5000, 125, ""},     // 500 per GiB exactly
		{"10Gi", 5001, 125, "iops"}, // one over
		{"1Ti", 3000, 750, ""},      // 3000/4 exactly
		{"1Ti", 3000, 751, "throughput"},
	} {
		ch := &checker{}
		ch.checkVolumePerformance(model.Sizing{StorageSize: c.size, IOPS: c.iops, Throughput: c.throughput}, []string{"regions", "us"})
		var got string
		if len(ch.diags) > 0 {
			got = ch.diags[0].Path[strings.LastIndex(ch.diags[0].Path, ".")+1:]
		}
		if len(ch.diags) > 1 || got != c.wantField {
			t.Errorf("%s %d IOPS %d MiB/s: diagnostics %v, want one on %q", c.size, c.iops, c.throughput, ch.diags, c.wantField)
		}
	}
}
