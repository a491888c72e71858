package schema

import (
	"cmp"
	"github.com/topogen/topogen/model"
)

// checkJurisdiction: one replica set copies every document to every member,
// so data bound to a jurisdiction cannot share a set with other regions
// (the replica-set mode; the sharded mode's checks are checkSharding's).
func (c *checker) checkJurisdiction(t *model.Topology) {
	for _, r := range t.Regions {
		if r.Jurisdiction == "" {
			continue
		}
		for _, o := range t.Regions {
			if o.Jurisdiction != r.Jurisdiction {
				c.errorf([]string{"regions", r.Name, "jurisdiction"},
					"shard the deployment by zone: add a sharding block with a zone of jurisdiction "+r.Jurisdiction+" over the regions that may hold its data and a default zone for the rest (see golden/eu-residency), or keep this region's data in a separate topology",
					"region %q requires its data to stay in %s, but region %q (%s) is in the same replica set, which copies every document to every member",
					r.Name, r.Jurisdiction, o.Name, cmp.Or(o.Jurisdiction, "no jurisdiction"))
				break
			}
		}
	}
}
