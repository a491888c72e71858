package schema

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/topogen/topogen/model"
)

// Vote assignment (mongodb-facts.md §1.3, §1.4, §4):
//   - at most 7 voters, an odd number (a tie cannot elect);
//   - with 3 or more regions no region holds a majority of the votes, so
//     losing any one region leaves a majority: each region gets at most
//     (V-1)/2 of the V votes (the seed's 3x3 becomes 3/2/2);
//   - votes go round-robin in preference order, so the preferred region
//     gets the extra vote; the first members of a region vote, the rest get
//     votes: 0, priority: 0;
//   - a voting member's priority is its region's priority; priority > 0
//     requires a vote, which this construction guarantees.
// The same topology always yields the same assignment.

// assignVotes fills Region.Voters: pinned values as written, the others by
// the round-robin above, for the largest odd total that fits.
func (c *checker) assignVotes(t *model.Topology, raw rawTopology) {
	pref := t.PreferredRegions()
	pinned := 0
	totalMembers := 0
	for _, r := range pref {
		totalMembers += r.Members
		if v := raw.Regions[r.Name].Voters; v != nil {
			pinned += *v
		}
	}
	best := map[string]int{}
	for target := min(model.MaxVoters, totalMembers); target >= 1; target-- {
		if target%2 == 0 || target < pinned {
			continue
		}
		limit := target
		if len(pref) >= 3 {
			limit = (target - 1) / 2
		}
		got := map[string]int{}
		placed := pinned
		for placed < target {
			progress := false
			for _, r := range pref {
				if raw.Regions[r.Name].Voters != nil || placed == target {
					continue
				}
				if got[r.Name] < min(r.Members, limit) {
					got[r.Name]++
					placed++
					progress = true
				}
			}
			if !progress {
				break
			}
		}
		if placed == target {
			best = got
			break
		}
	}
	for i := range t.Regions {
		r := &t.Regions[i]
		if v := raw.Regions[r.Name].Voters; v != nil {
			r.Voters = *v
		} else {
			r.Voters = best[r.Name]
		}
	}
}

// buildMembers lists every member in _id order.
func buildMembers(t *model.Topology) []model.Member {
	var ms []model.Member
	for _, r := range t.Regions {
		for i := range r.Members {
			m := model.Member{
				ID:      100*r.ID + i,
				Region:  r.Name,
				Ordinal: i,
				Pod:     model.PodName(t.ReplicaSet.Name, r.Name, i),
				Port:    t.MongoDB.Port,
				Zone:    r.Zones[i%len(r.Zones)],
			}
			m.Host = model.MemberHost(m.Pod, r.DNSZone)
			if i < r.Voters {
				m.Votes = 1
				m.Priority = r.Priority
			}
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(a, b model.Member) int { return cmp.Compare(a.ID, b.ID) })
	return ms
}

// checkVotes reports a vote layout mongod rejects or that loses the
// majority with one region.
func (c *checker) checkVotes(t *model.Topology, raw rawTopology) {
	voters := t.Voters()
	// Point at the pinned voters when there are any: that is what to edit.
	at := []string{"regions"}
	for _, r := range t.Regions {
		if raw.Regions[r.Name].Voters != nil {
			at = []string{"regions", r.Name, "voters"}
			break
		}
	}
	layout := c.layout(t)
	switch {
	case voters < 1:
		c.errorf(at, "give at least one region voters > 0", "no member votes (%s): a replica set needs 1 to 7 voters", layout)
		return
	case voters > model.MaxVoters:
		c.errorf(at, "lower pinned voters; members beyond 7 voters get votes: 0, priority: 0 automatically",
			"%d voting members (%s): mongod allows at most %d (mongodb-facts.md §1.3)", voters, layout, model.MaxVoters)
		return
	case voters%2 == 0:
		c.errorf(at, "pin voters to an odd total, or drop voters and let topogen assign them",
			"%d voting members (%s): use an odd number so an election cannot tie", voters, layout)
	}
	majority := t.Majority()
	switch {
	case len(t.Regions) >= 3:
		for _, r := range t.Regions {
			if voters-r.Voters < majority {
				at := at
				if raw.Regions[r.Name].Voters != nil {
					at = []string{"regions", r.Name, "voters"}
				}
				c.errorf(at, "move votes out of that region (at most "+strconv.Itoa((voters-1)/2)+" per region), or drop voters and let topogen assign them",
					"losing region %q leaves %d of %d votes, less than the majority of %d (%s)", r.Name, voters-r.Voters, voters, majority, layout)
			}
		}
	case len(t.Regions) == 2:
		big := t.PreferredRegions()[0]
		for _, r := range t.Regions {
			if r.Voters > big.Voters {
				big = r
			}
		}
		c.warnf([]string{"regions", big.Name}, "add a third region (even one member) to survive the loss of any region",
			"two regions (%s): losing region %q leaves %d of %d votes, so the set cannot elect a primary and writes stop until it returns or a forced reconfig", layout, big.Name, voters-big.Voters, voters)
	case len(t.Regions) == 1:
		c.warnf([]string{"regions"}, "add regions to survive a regional outage",
			"one region: losing %q stops the replica set", t.Regions[0].Name)
	}
	for _, r := range t.Regions {
		if r.Priority > 0 && r.Voters == 0 {
			c.warnf([]string{"regions", r.Name, "priority"}, "give it voters, or set priority: 0",
				"region %q has priority %d but no voting member: its members get priority 0 and never become primary", r.Name, r.Priority)
		}
	}
}

// layout renders the votes per region, e.g. "us 3, eu 2, apac 2".
func (c *checker) layout(t *model.Topology) string {
	s := ""
	for i, r := range t.PreferredRegions() {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", r.Name, r.Voters)
	}
	return "voters " + s
}
