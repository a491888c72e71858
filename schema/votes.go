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
// The same topology always yields the same assignment. The rules hold for
// every replica set: the replica-set mode's one set, and in the sharded
// mode each shard and the config servers (a voteSet each).

// voteSet is one replica set as the vote rules see it.
type voteSet struct {
	// regions the set has members in, in lexical order, with Members
	// and Priority of the set there (Voters is filled by assign).
	regions []model.Region
	// pinned voters by region, and where each is written.
	pinned   map[string]int
	pinnedAt func(region string) []string
	// at is the field a layout error points at when no region pins.
	at []string
	// prefix names the set in messages ("" for the replica-set mode's).
	prefix string
	// oneRegionFix is the fix of the one-region warning.
	oneRegionFix string
}

// replicaSetVotes is the replica-set mode's one set.
func replicaSetVotes(t *model.Topology, raw rawTopology) voteSet {
	vs := voteSet{regions: t.Regions, pinned: map[string]int{}, at: []string{"regions"},
		pinnedAt:     func(r string) []string { return []string{"regions", r, "voters"} },
		oneRegionFix: "add regions to survive a regional outage"}
	for _, r := range t.Regions {
		if v := raw.Regions[r.Name].Voters; v != nil {
			vs.pinned[r.Name] = *v
		}
	}
	return vs
}

// preferred returns the set's regions in primary-preference order.
func (vs voteSet) preferred() []model.Region {
	return (&model.Topology{Regions: vs.regions}).PreferredRegions()
}

// assignVotes fills the replica-set mode's Region.Voters.
func (c *checker) assignVotes(t *model.Topology, raw rawTopology) {
	voters := replicaSetVotes(t, raw).assign()
	for i := range t.Regions {
		t.Regions[i].Voters = voters[t.Regions[i].Name]
	}
}

// assign returns the voters per region: pinned values as written, the
// others by the round-robin above, for the largest odd total that fits.
func (vs voteSet) assign() map[string]int {
	pref := vs.preferred()
	pinned := 0
	totalMembers := 0
	for _, r := range pref {
		totalMembers += r.Members
		if v, ok := vs.pinned[r.Name]; ok {
			pinned += v
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
				if _, ok := vs.pinned[r.Name]; ok || placed == target {
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
	out := map[string]int{}
	for _, r := range vs.regions {
		if v, ok := vs.pinned[r.Name]; ok {
			out[r.Name] = v
		} else {
			out[r.Name] = best[r.Name]
		}
	}
	return out
}

// buildMembers lists every member of the replica-set mode in _id order.
func buildMembers(t *model.Topology) []model.Member {
	return setMembers(t.ReplicaSet.Name, t.MongoDB.Port, t.Regions)
}

// setMembers lists a set's members in _id order: in each region (Members,
// Voters and Priority of the set there) ordinals 0.. with _id
// 100*region ID + ordinal, the first Voters voting at the region's
// priority. Pod names carry the set's name, so hosts of different sets
// differ while their _ids may repeat (mongod needs _id unique within a
// set only, mongodb-facts.md §1.1).
func setMembers(set string, port int, regions []model.Region) []model.Member {
	var ms []model.Member
	for _, r := range regions {
		for i := range r.Members {
			m := model.Member{
				ID:      100*r.ID + i,
				Region:  r.Name,
				Ordinal: i,
				Pod:     model.PodName(set, r.Name, i),
				Port:    port,
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
// majority with one region (the replica-set mode's set).
func (c *checker) checkVotes(t *model.Topology, raw rawTopology) {
	c.checkSetVotes(replicaSetVotes(t, raw))
}

// checkSetVotes checks one set whose regions carry their Voters.
func (c *checker) checkSetVotes(vs voteSet) {
	voters := 0
	for _, r := range vs.regions {
		voters += r.Voters
	}
	// Point at the pinned voters when there are any: that is what to edit.
	at := vs.at
	for _, r := range vs.regions {
		if _, ok := vs.pinned[r.Name]; ok {
			at = vs.pinnedAt(r.Name)
			break
		}
	}
	layout := vs.layout()
	p := vs.prefix
	switch {
	case voters < 1:
		c.errorf(at, "give at least one region voters > 0", "%sno member votes (%s): a replica set needs 1 to 7 voters", p, layout)
		return
	case voters > model.MaxVoters:
		c.errorf(at, "lower pinned voters; members beyond 7 voters get votes: 0, priority: 0 automatically",
			"%s%d voting members (%s): mongod allows at most %d (mongodb-facts.md §1.3)", p, voters, layout, model.MaxVoters)
		return
	case voters%2 == 0:
		c.errorf(at, "pin voters to an odd total, or drop voters and let topogen assign them",
			"%s%d voting members (%s): use an odd number so an election cannot tie", p, voters, layout)
	}
	majority := voters/2 + 1
	switch {
	case len(vs.regions) >= 3:
		for _, r := range vs.regions {
			if voters-r.Voters < majority {
				at := at
				if _, ok := vs.pinned[r.Name]; ok {
					at = vs.pinnedAt(r.Name)
				}
				c.errorf(at, "move votes out of that region (at most "+strconv.Itoa((voters-1)/2)+" per region), or drop voters and let topogen assign them",
					"%slosing region %q leaves %d of %d votes, less than the majority of %d (%s)", p, r.Name, voters-r.Voters, voters, majority, layout)
			}
		}
	case len(vs.regions) == 2:
		big := vs.preferred()[0]
		for _, r := range vs.regions {
			if r.Voters > big.Voters {
				big = r
			}
		}
		warnAt := []string{"regions", big.Name}
		if vs.prefix != "" {
			warnAt = vs.at
		}
		c.warnf(warnAt, "add a third region (even one member) to survive the loss of any region",
			"%stwo regions (%s): losing region %q leaves %d of %d votes, so the set cannot elect a primary and writes stop until it returns or a forced reconfig", p, layout, big.Name, voters-big.Voters, voters)
	case len(vs.regions) == 1:
		c.warnf(vs.at, vs.oneRegionFix,
			"%sone region: losing %q stops the replica set", p, vs.regions[0].Name)
	}
	for _, r := range vs.regions {
		if r.Priority > 0 && r.Voters == 0 {
			c.warnf([]string{"regions", r.Name, "priority"}, "give it voters, or set priority: 0",
				"%sregion %q has priority %d but no voting member: its members get priority 0 and never become primary", p, r.Name, r.Priority)
		}
	}
}

// layout renders the votes per region, e.g. "voters us 3, eu 2, apac 2".
func (vs voteSet) layout() string {
	s := ""
	for i, r := range vs.preferred() {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %d", r.Name, r.Voters)
	}
	return "voters " + s
}
