package model

// The questions every target asks of a topology beyond its fields: where
// a field was written, regions by name and in preference order, a region's
// members, votes and the majority. The types are in topology.go.

// Pos is PosOf made safe for a topology without sources (decoded from
// out/topology.json): the zero Pos there.
func (t *Topology) Pos(path ...string) Pos {
	if t.PosOf == nil {
		return Pos{}
	}
	return t.PosOf(path...)
}

// Region returns the region with that name.
func (t *Topology) Region(name string) (Region, bool) {
	for _, r := range t.Regions {
		if r.Name == name {
			return r, true
		}
	}
	return Region{}, false
}

// PreferredRegions returns the regions in primary-preference order: highest
// priority first, ties (only possible at priority 0) by name.
func (t *Topology) PreferredRegions() []Region {
	out := append([]Region(nil), t.Regions...)
	sortRegionsByPreference(out)
	return out
}

// Preferred is the region where the primary normally runs.
func (t *Topology) Preferred() Region { return t.PreferredRegions()[0] }

// Voters is the number of voting members.
func (t *Topology) Voters() int { return MemberSet{Members: t.Members}.Voters() }

// Majority is the number of votes an election or a w:majority write needs.
func (t *Topology) Majority() int { return t.Voters()/2 + 1 }

// RegionMembers returns the members of one region in ordinal order.
func (t *Topology) RegionMembers(region string) []Member {
	return MemberSet{Members: t.Members}.RegionMembers(region)
}
