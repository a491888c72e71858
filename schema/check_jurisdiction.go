package schema

import (
	"cmp"
	"github.com/topogen/topogen/model"
)

// checkJurisdiction: one replica set copies every document to every member,
// so data bound to a jurisdiction cannot share a set with other regions.
func (c *checker) checkJurisdiction(t *model.Topology) {
	for _, r := range t.Regions {
		if r.Jurisdiction == "" {
			continue
		}
		for _, o := range t.Regions {
			if o.Jurisdiction != r.Jurisdiction {
				c.errorf([]string{"regions", r.Name, "jurisdiction"},
					"keep this region's data in a separate replica set (its own topology), or use zone sharding (not supported by topogen yet)",
					"region %q requires its data to stay in %s, but region %q (%s) is in the same replica set, which copies every document to every member",
					r.Name, r.Jurisdiction, o.Name, cmp.Or(o.Jurisdiction, "no jurisdiction"))
				break
			}
		}
	}
}
