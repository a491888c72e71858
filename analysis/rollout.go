package analysis

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// The rollout order: how a change that restarts every member (an image, a
// mongod.conf or a sizing change) reaches them, and the proof that it keeps
// the set writable with one more failure on top of it.
//
//   - Regions one at a time. A delivery tool that syncs every region at once
//     lets each region's StatefulSet roll on its own: with the default
//     topology, us-1, eu-1 and apac-1 restart together and 4 of 7 voters,
//     the bare majority, remain. The Argo CD RollingSync steps and the Flux
//     dependsOn chain follow RolloutRegions.
//   - Regions that do not hold the primary go first, lowest priority first
//     (the members least likely to be needed for an election); the
//     preferred primary's region goes last, so the primary steps down once,
//     at the very end, to a member that already runs the new version
//     (every voter of a region has the region's priority, schema/votes.go,
//     so the returning member does not take the primary back).
//   - Inside a region, the StatefulSet's RollingUpdate strategy restarts one
//     pod at a time from the largest ordinal to the smallest, waiting for
//     each updated pod to be Running and Ready before taking the next
//     (kubernetes.io "StatefulSet rolling updates"; the default when
//     rollingUpdate.maxUnavailable is unset or its alpha feature gate
//     MaxUnavailableStatefulSet is off). Ready means PRIMARY or SECONDARY
//     (the readiness probe). Ordinal 0 of the preferred region is the member
//     rs.initiate() runs on (replset.FirstHost) and the primary at rest, so
//     it restarts last of all; its preStop hook runs replSetStepDown first.
//     Non-voting members have the largest ordinals (voters are the first
//     members of a region, schema/votes.go), so they restart first.
//
// The N+1 property, checked at every step: the voters that stay up, minus
// one more voting member failing anywhere, still hold a majority of the
// configured votes and include an electable member, so a primary can be
// elected and w:majority writes are acknowledged (mongodb-facts.md §1.6).
// With V voters and one voter restarting, V-2 must reach V/2+1: true for 5
// and 7 voters, false for 1 and 3. A restart order cannot do better than one
// member at a time, so when that fails no safe order exists.

// Rollout is the derived order and its proof.
type Rollout struct {
	// Regions in rollout order.
	Regions []string `json:"regions"`
	Voters  int      `json:"voters"`
	// Majority of Voters: what an election and a w:majority write need.
	Majority int `json:"majority"`
	// Steps restart one member each, in order.
	Steps []RolloutStep `json:"steps"`
	// MinVotersUp is the fewest voters up at any step; MinVotersUpNPlus1
	// the fewest with one more voter failed.
	MinVotersUp       int `json:"minVotersUp"`
	MinVotersUpNPlus1 int `json:"minVotersUpNPlus1"`
	// Safe: every step has the N+1 property.
	Safe bool `json:"safe"`
	// Cause says why not, when not Safe.
	Cause string `json:"cause,omitempty"`
	// RegionLoss lists, beyond N+1, the regions whose whole loss during
	// some step would stop writes although the set survives it at rest:
	// the exposure a rollout window adds (N+1 covers one member, not a
	// region).
	RegionLoss []RegionLossDuringRollout `json:"regionLoss"`
}

// RegionLossDuringRollout: losing Lost while a member of During restarts
// leaves VotesLeft, below the majority.
type RegionLossDuringRollout struct {
	Lost      string `json:"lost"`
	During    string `json:"during"`
	VotesLeft int    `json:"votesLeft"`
}

// RolloutStep is one member restarting.
type RolloutStep struct {
	Step   int    `json:"step"`
	Region string `json:"region"`
	Pod    string `json:"pod"`
	ID     int    `json:"id"`
	Votes  int    `json:"votes"`
	// Primary: the member is the primary at rest; its preStop hook steps
	// it down (replSetStepDown) before mongod stops.
	Primary bool `json:"primary,omitempty"`
	// VotersUp while this member restarts; VotersUpNPlus1 with one more
	// voter failed (VotersUp when no other voter is up).
	VotersUp       int `json:"votersUp"`
	VotersUpNPlus1 int `json:"votersUpNPlus1"`
	// Electable voters up with one more failed (the worst one).
	ElectableNPlus1 int  `json:"electableNPlus1"`
	NPlus1          bool `json:"nPlus1"`
}

// RolloutRegions is the region order: regions that are not the preferred
// primary's, lowest priority first (ties by name), then the preferred one.
func RolloutRegions(t *model.Topology) []model.Region {
	pref := t.Preferred().Name
	out := slices.Clone(t.Regions)
	last := func(r model.Region) int {
		if r.Name == pref {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b model.Region) int {
		return cmp.Or(cmp.Compare(last(a), last(b)), cmp.Compare(a.Priority, b.Priority), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// RolloutMembers is the member order: by region in RolloutRegions order,
// from the largest ordinal to the smallest inside a region.
func RolloutMembers(t *model.Topology) []model.Member {
	var out []model.Member
	for _, r := range RolloutRegions(t) {
		ms := t.RegionMembers(r.Name)
		slices.Reverse(ms)
		out = append(out, ms...)
	}
	return out
}

// PrimaryMember is the member holding the primary at rest: the first member
// of the preferred region, where the init Job runs rs.initiate() and whose
// priority no other member exceeds.
func PrimaryMember(t *model.Topology) model.Member {
	return t.RegionMembers(t.Preferred().Name)[0]
}

// Down is a set of members, by _id, that are down at once.
type Down map[int]bool

// NPlus1 evaluates one moment of a rollout: the members in down are
// restarting. It returns the voters up, the voters up after the worst single
// further voter failure, the electable voters left then, and whether a
// majority with an electable member survives.
func NPlus1(t *model.Topology, down Down) (up, upAfter, electableAfter int, ok bool) {
	electable := 0
	for _, m := range t.Members {
		if down[m.ID] || m.Votes == 0 {
			continue
		}
		up += m.Votes
		if m.Priority > 0 {
			electable++
		}
	}
	// The worst further failure takes an electable voter when there is one
	// (it lowers both counts), else any voter.
	upAfter, electableAfter = up, electable
	if up > 0 {
		upAfter = up - 1
		if electable > 0 {
			electableAfter = electable - 1
		}
	}
	return up, upAfter, electableAfter, upAfter >= t.Majority() && electableAfter > 0
}

// RolloutPlan derives the rollout order of t and checks every step.
func RolloutPlan(t *model.Topology) Rollout {
	ro := Rollout{Voters: t.Voters(), Majority: t.Majority(), Steps: []RolloutStep{}, Regions: []string{}, Safe: true,
		MinVotersUp: t.Voters(), MinVotersUpNPlus1: t.Voters()}
	for _, r := range RolloutRegions(t) {
		ro.Regions = append(ro.Regions, r.Name)
	}
	ro.RegionLoss = []RegionLossDuringRollout{}
	primary := PrimaryMember(t).ID
	for i, m := range RolloutMembers(t) {
		if m.Votes > 0 {
			ro.addRegionLoss(t, m)
		}
		up, after, el, ok := NPlus1(t, Down{m.ID: true})
		ro.Steps = append(ro.Steps, RolloutStep{
			Step: i + 1, Region: m.Region, Pod: m.Pod, ID: m.ID, Votes: m.Votes, Primary: m.ID == primary,
			VotersUp: up, VotersUpNPlus1: after, ElectableNPlus1: el, NPlus1: ok,
		})
		ro.MinVotersUp = min(ro.MinVotersUp, up)
		ro.MinVotersUpNPlus1 = min(ro.MinVotersUpNPlus1, after)
		if !ok && ro.Safe {
			ro.Safe = false
			if after < t.Majority() {
				ro.Cause = fmt.Sprintf("while %s restarts, %d of %d voters are up; one more voter failing leaves %d, below the majority of %d, so writes stop",
					m.Pod, up, t.Voters(), after, t.Majority())
			} else {
				ro.Cause = fmt.Sprintf("while %s restarts, one more voter failing leaves no electable member (priority > 0), so no primary can be elected", m.Pod)
			}
		}
	}
	return ro
}

// addRegionLoss records each other region whose loss, with m restarting,
// leaves less than a majority while its loss at rest does not; once per
// (lost, during) pair.
func (ro *Rollout) addRegionLoss(t *model.Topology, m model.Member) {
	for _, r := range t.Regions {
		if r.Name == m.Region {
			continue
		}
		left := t.Voters() - r.Voters
		if left < t.Majority() || left-m.Votes >= t.Majority() {
			continue // lost at rest already (vet warns), or still kept
		}
		l := RegionLossDuringRollout{Lost: r.Name, During: m.Region, VotesLeft: left - m.Votes}
		if !slices.Contains(ro.RegionLoss, l) {
			ro.RegionLoss = append(ro.RegionLoss, l)
		}
	}
}

// rolloutRequiredAvailability: from this availability target on, a rollout
// must keep writes available through one more failure (vet error);
// below it, a rollout that cannot is a warning. The same bar as surviving
// an availability zone's loss (check.go): a rolling restart plus one member
// failure is a smaller event than losing a zone.
const rolloutRequiredAvailability = zoneLossAvailability

// CheckRollout reports a topology for which no quorum-safe rollout order
// exists: an error (exit 2) when slo.availability is at least 99.9%, a
// warning below.
func CheckRollout(t *model.Topology) model.Diagnostics {
	if t.Sharding != nil {
		// Each set rolls on its own: the same proof per set.
		var ds model.Diagnostics
		check := func(set model.MemberSet, path ...string) {
			for _, d := range CheckRollout(t.SetView(set)) {
				d.Summary = set.ReplicaSet.Name + ": " + d.Summary
				if d.Path == "regions" {
					d.Pos, d.Path = t.Pos(path...), strings.Join(path, ".")
				}
				ds = append(ds, d)
			}
		}
		check(t.Sharding.ConfigServers, "sharding", "configServers", "members")
		for _, sh := range t.Sharding.Shards {
			check(sh.Set, "sharding", "zones", sh.Zone, "shard", "members")
		}
		return ds
	}
	ro := RolloutPlan(t)
	if ro.Safe {
		return nil
	}
	d := model.Diagnostic{
		Severity: model.Error,
		Pos:      t.Pos("regions"),
		Path:     "regions",
		Summary:  "no quorum-safe rollout order exists: a rolling restart takes one member down at a time, and " + ro.Cause,
		Fix: fmt.Sprintf("give the set 5 or 7 voters (with V voters, one restarting and one failed leave V-2, which holds a majority only from V = 5), "+
			"or set slo.availability below %g%% to accept that writes may stop during a rollout", rolloutRequiredAvailability),
	}
	if t.SLO.Availability < rolloutRequiredAvailability {
		d.Severity = model.Warning
		d.Pos, d.Path = t.Pos("slo", "availability"), "slo.availability"
		d.Summary = fmt.Sprintf("no quorum-safe rollout order exists (accepted at %g%% availability): ", t.SLO.Availability) + ro.Cause
		d.Fix = "give the set 5 or 7 voters to keep writes through a rollout and one failure"
	}
	return model.Diagnostics{d}
}

// AllAtOnce is what delivering every region at once does: each region's
// StatefulSet rolls on its own, so at worst one member of every region is
// down at the same moment. It returns that moment's N+1 evaluation with the
// members down, the first ordinal to restart in each region.
func AllAtOnce(t *model.Topology) (down Down, up, upAfter int, ok bool) {
	down = Down{}
	for _, r := range t.Regions {
		ms := t.RegionMembers(r.Name)
		// The StatefulSet takes its largest ordinal first; the worst moment
		// is when each region restarts a voter.
		for i := len(ms) - 1; i >= 0; i-- {
			if ms[i].Votes > 0 || i == 0 {
				down[ms[i].ID] = true
				break
			}
		}
	}
	up, upAfter, _, ok = NPlus1(t, down)
	return down, up, upAfter, ok
}
