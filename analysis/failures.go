package analysis

import (
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// failures lists the failure table: each region lost, each zone holding
// members lost, then each pair of regions lost (when there are three or
// more regions; with two, a pair is everything).
func failures(t *model.Topology, ft FailoverTime) []Failure {
	var out []Failure
	for _, r := range t.Regions {
		out = append(out, lose(t, ft, "region", []string{r.Name}, func(m model.Member) bool { return m.Region == r.Name }))
	}
	for _, r := range t.Regions {
		for _, z := range r.Zones {
			if !slices.ContainsFunc(t.Members, func(m model.Member) bool { return m.Zone == z }) {
				continue
			}
			out = append(out, lose(t, ft, "zone", []string{z}, func(m model.Member) bool { return m.Zone == z }))
		}
	}
	if len(t.Regions) >= 3 {
		for i, a := range t.Regions {
			for _, b := range t.Regions[i+1:] {
				out = append(out, lose(t, ft, "regions", []string{a.Name, b.Name}, func(m model.Member) bool { return m.Region == a.Name || m.Region == b.Name }))
			}
		}
	}
	return out
}

// Lost reports what losing the members matched by lost does to the set.
func lose(t *model.Topology, ft FailoverTime, kind string, names []string, lost func(model.Member) bool) Failure {
	f := Failure{Kind: kind, Lost: names}
	pref := t.Preferred().Name
	var best *model.Member
	prefElectable, prefElectableLost := 0, 0
	for _, m := range t.Members {
		electable := m.Priority > 0 && m.Votes > 0
		if m.Region == pref && electable {
			prefElectable++
		}
		if lost(m) {
			f.MembersLost++
			if m.Region == pref && electable {
				prefElectableLost++
			}
			continue
		}
		f.VotesLeft += m.Votes
		if electable && (best == nil || m.Priority > best.Priority) {
			best = &m
		}
	}
	f.MajorityKept = f.VotesLeft >= t.Majority()
	switch {
	case !f.MajorityKept || best == nil:
		f.Election = "impossible"
		f.TimeToPrimaryMillis = -1
		f.TimeToPrimary = "never without a forced reconfig (replset/failover/<region>.json)"
		if f.MajorityKept {
			f.TimeToPrimary = "never: no electable member survives (reconfig priorities)"
		}
		return f
	case prefElectableLost == 0:
		f.Election = "none"
		f.TimeToPrimary = "0 (primary unaffected)"
	case prefElectableLost < prefElectable:
		f.Election = "possible"
	default:
		f.Election = "yes"
	}
	f.Primary = best.Region
	f.MajorityWrites = true
	if f.Election != "none" {
		f.TimeToPrimaryMillis = ft.BoundMillis
		if ft.BoundMillis < 0 {
			f.TimeToPrimary = "unbounded (catchUpTimeoutMillis -1)"
		} else {
			f.TimeToPrimary = "≤ " + seconds(ft.BoundMillis)
		}
		if f.Election == "possible" {
			f.TimeToPrimary += " if the primary was there"
		}
	}
	return f
}

// lostLabel renders a failure's subject, e.g. "region us", "zone
// us-east-1a", "regions eu+apac".
func (f Failure) lostLabel() string {
	return f.Kind + " " + strings.Join(f.Lost, "+")
}
