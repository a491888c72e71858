package schema

import (
	"fmt"
	"strconv"

	"github.com/topogen/topogen/model"
)

// reservedRegionNames are names the generators already use where a region
// name goes, with what they collide with. Checked at vet time so that vet
// and gen agree (a region "global" used to pass vet and fail in the
// terraform generator, with no position).
var reservedRegionNames = map[string]string{
	model.PatchesAll: "patches/" + model.PatchesAll + "/ holds the patches for every region, so patches/all could not hold this region's",
	"global":         "the Terraform provider of the global resources has the alias \"global\" and the SLO rules label the all-regions scope \"global\"",
}

// checkRegionNames reports reserved region names, with a suggestion that
// is valid and free.
func (c *checker) checkRegionNames(t *model.Topology) {
	for _, r := range t.Regions {
		why, ok := reservedRegionNames[r.Name]
		if !ok {
			continue
		}
		c.errorf([]string{"regions", r.Name}, fmt.Sprintf("rename the region, e.g. to %q", freeRegionName(t, r.Name+"-1")),
			"region name %q is reserved: %s", r.Name, why)
	}
}

// freeRegionName returns base, or base with a number, that is a valid
// region name (a DNS label short enough for the pod names) no region of t
// uses and no generator reserves.
func freeRegionName(t *model.Topology, base string) string {
	maxLen := 63 - len(t.ReplicaSet.Name) - len("--") - 2
	used := func(n string) bool {
		if _, ok := t.Region(n); ok {
			return true
		}
		_, reserved := reservedRegionNames[n]
		return reserved
	}
	label := suggestLabel(base)
	for i := 0; ; i++ {
		suffix := ""
		if i > 0 {
			suffix = strconv.Itoa(i)
		}
		stem := label
		if len(stem)+len(suffix) > maxLen {
			stem = stem[:max(1, maxLen-len(suffix))]
		}
		n := trimDash(stem) + suffix
		if dnsLabel.MatchString(n) && !used(n) {
			return n
		}
		if i > 1000 {
			return "r" + strconv.Itoa(len(t.Regions)+1)
		}
	}
}

func trimDash(s string) string {
	for len(s) > 1 && s[len(s)-1] == '-' {
		s = s[:len(s)-1]
	}
	return s
}
