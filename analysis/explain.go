// Package analysis explains what a topology means for the running replica
// set: which failures it survives, how long a failover takes, what a
// w:majority write and a cross-region read cost given measured inter-region
// round trips, and whether the SLOs can be met. `topogen explain` prints
// Explain's report; vet and gen run Check.
package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// Report is everything `topogen explain` shows. Field order is the JSON
// order; every list is a slice in a fixed order, so the output is stable.
type Report struct {
	Topology   string `json:"topology"`
	ReplicaSet string `json:"replicaSet"`
	// Voters and Majority: a w:majority write and an election both need
	// Majority of the Voters (mongodb-facts.md §1.6: $majority).
	Voters   int          `json:"voters"`
	Majority int          `json:"majority"`
	Primary  string       `json:"primaryRegion"`
	Regions  []RegionRow  `json:"regions"`
	Failover FailoverTime `json:"failoverTime"`
	Failures []Failure    `json:"failures"`
	Latency  Latency      `json:"latency"`
	SLOs     []SLOCheck   `json:"slos"`
	// MissingRTT lists cloud-region pairs with no known round trip; the
	// estimates that need them are unknown (-1).
	MissingRTT []string `json:"missingRTT"`
	// Rollout is the quorum-safe rollout order and its proof (rollout.go).
	Rollout Rollout `json:"rollout"`
	// RPO: data lost by a region loss and by a restore (rpo.go).
	RPO RPO `json:"rpo"`
	// Sharding is the sharded mode's report (sharded.go); the fields
	// above then describe no set: each set has its own in it.
	Sharding *Sharded `json:"sharding,omitempty"`
}

// RegionRow is one line of the members table.
type RegionRow struct {
	Name        string `json:"name"`
	CloudRegion string `json:"cloudRegion"`
	Members     int    `json:"members"`
	Voters      int    `json:"voters"`
	// Priority of the region's voting members; non-voters have 0.
	Priority int `json:"priority"`
	// Electable: members here can become primary (priority > 0 and a vote,
	// mongodb-facts.md §1.4).
	Electable bool `json:"electable"`
	// Tags every member of the region carries (replset Tags): region is the
	// region name, zone the member's availability zone.
	Tags MemberTags `json:"tags"`
}

// MemberTags are the tag values used by the region's members.
type MemberTags struct {
	Region string   `json:"region"`
	Zones  []string `json:"zones"`
}

// FailoverTime estimates how long the set runs without a writable primary
// after the primary is lost:
//
//	typical = electionTimeoutMillis + heartbeatIntervalMillis
//	bound   = typical + catchUpTimeoutMillis (unbounded when it is -1)
//
// A secondary calls an election once it has not heard from the primary for
// electionTimeoutMillis; heartbeatIntervalMillis stands for the detection
// slack (the last heartbeat may be up to one interval old, and mongod adds
// a random offset to the timeout) and the vote round trips. The new primary
// then catches up from the most up-to-date secondary for at most
// catchUpTimeoutMillis before it accepts writes (mongodb-facts.md §1.2).
type FailoverTime struct {
	ElectionTimeoutMillis   int    `json:"electionTimeoutMillis"`
	HeartbeatIntervalMillis int    `json:"heartbeatIntervalMillis"`
	CatchUpTimeoutMillis    int    `json:"catchUpTimeoutMillis"`
	TypicalMillis           int    `json:"typicalMillis"`
	BoundMillis             int    `json:"boundMillis"` // -1: unbounded catch-up
	Formula                 string `json:"formula"`
}

// Failure is one row of the failure table: what is left after losing a
// region, a zone or a pair of regions.
type Failure struct {
	// Kind is "region", "zone" or "regions" (a pair).
	Kind string `json:"kind"`
	// Lost names what is lost: region names, or one zone.
	Lost        []string `json:"lost"`
	MembersLost int      `json:"membersLost"`
	VotesLeft   int      `json:"votesLeft"`
	// MajorityKept: the survivors hold a majority of the configured votes,
	// so they can elect a primary and acknowledge w:majority writes.
	MajorityKept bool `json:"majorityKept"`
	// Primary is the region the primary runs in afterwards (the surviving
	// electable voter with the highest priority); empty when none can be
	// elected.
	Primary string `json:"primaryRegion"`
	// Election: "none" (the primary is not lost), "possible" (the primary
	// may have been among the lost members), "yes", or "impossible" (no
	// majority or no electable survivor: writes stop).
	Election string `json:"election"`
	// MajorityWrites: w:majority writes still succeed.
	MajorityWrites bool `json:"majorityWrites"`
	// TimeToPrimaryMillis: 0 when no election is needed, the failover bound
	// when one is, -1 when unbounded or when only a forced reconfig helps.
	TimeToPrimaryMillis int    `json:"timeToPrimaryMillis"`
	TimeToPrimary       string `json:"timeToPrimary"`
}

// Latency holds the latency estimates.
type Latency struct {
	IntraRegionRTTMillis float64 `json:"intraRegionRTTMillis"`
	// PrimaryWrite is the w:majority write estimate with the primary in
	// its preferred region.
	PrimaryWrite WriteEstimate `json:"primaryWrite"`
	// CrossRegionRead is the worst read a client in another region sends to
	// the primary (readPreference primary, the default): the largest RTT
	// from any other region holding members to the primary's region.
	CrossRegionRead ReadEstimate `json:"crossRegionRead"`
	// LocalReadMillis: a read served by a member of the client's region.
	LocalReadMillis float64 `json:"localReadMillis"`
	// Regions: per region, what writes cost if the primary ran there and
	// what its clients pay to read from the primary and from the nearest
	// other region.
	Regions []RegionLatency `json:"regions"`
}

// WriteEstimate is a w:majority write from a primary region: the round trip
// to the farthest of the closest voters that complete a majority.
type WriteEstimate struct {
	From   string  `json:"from"`
	Millis float64 `json:"millis"` // -1: unknown (missing RTT)
	// Acks are the voters that complete the majority, closest first.
	Acks []Ack `json:"acks"`
}

// Ack is one region's acknowledging voters: Votes counts only those the
// majority needs.
type Ack struct {
	Region    string  `json:"region"`
	Votes     int     `json:"votes"`
	RTTMillis float64 `json:"rttMillis"`
}

// ReadEstimate is a read from one region served in another.
type ReadEstimate struct {
	From   string  `json:"from"`
	To     string  `json:"to"`
	Millis float64 `json:"millis"` // -1: unknown; 0 with From empty: one region only
}

// RegionLatency is one line of the per-region latency table.
type RegionLatency struct {
	Region      string `json:"region"`
	CloudRegion string `json:"cloudRegion"`
	// WriteIfPrimaryMillis: the w:majority estimate if the primary ran
	// here; -1 when unknown or when the region is not electable.
	WriteIfPrimaryMillis float64 `json:"writeIfPrimaryMillis"`
	// ReadFromPrimaryMillis: RTT to the primary's region (local read when
	// this is it).
	ReadFromPrimaryMillis float64 `json:"readFromPrimaryMillis"`
	// NearestOther is the closest other region holding members, where reads
	// go when this region's members are down (readPreference nearest).
	NearestOther       string  `json:"nearestOther"`
	NearestOtherMillis float64 `json:"nearestOtherMillis"`
}

// SLOCheck is one SLO against its estimate.
type SLOCheck struct {
	// Name is the SLO's key, as used in analysis.accept.
	Name     string `json:"name"`
	Target   string `json:"target"`
	Estimate string `json:"estimate"`
	Met      bool   `json:"met"`
	// Verdict: "met", "not met", "accepted" (not met, with a recorded
	// reason), "unknown" (missing RTT) or "n/a".
	Verdict string `json:"verdict"`
	// Cause says why it is not met.
	Cause string `json:"cause,omitempty"`
	// Accepted quotes analysis.accept.<name>.reason.
	Accepted string `json:"accepted,omitempty"`
	// Set names the replica set judged in the sharded mode (each set
	// has its own checks); empty in the replica-set mode.
	Set string `json:"set,omitempty"`
}

// Explain analyses a resolved topology. It does no I/O and never fails:
// what it cannot estimate (a missing RTT) is reported as unknown.
func Explain(t *model.Topology) Report {
	if t.Sharding != nil {
		return explainSharded(t)
	}
	pref := t.Preferred()
	r := Report{
		Topology:   t.Name,
		ReplicaSet: t.ReplicaSet.Name,
		Voters:     t.Voters(),
		Majority:   t.Majority(),
		Primary:    pref.Name,
		Failover:   failoverTime(t),
		Regions:    []RegionRow{},
		MissingRTT: []string{},
	}
	for _, reg := range t.Regions {
		row := RegionRow{Name: reg.Name, CloudRegion: reg.CloudRegion, Members: reg.Members, Voters: reg.Voters,
			Tags: MemberTags{Region: reg.Name, Zones: []string{}}}
		for _, m := range t.RegionMembers(reg.Name) {
			row.Priority = max(row.Priority, m.Priority)
			if m.Priority > 0 && m.Votes > 0 {
				row.Electable = true
			}
			if !slices.Contains(row.Tags.Zones, m.Zone) {
				row.Tags.Zones = append(row.Tags.Zones, m.Zone)
			}
		}
		r.Regions = append(r.Regions, row)
	}
	for _, p := range MissingRTT(t) {
		r.MissingRTT = append(r.MissingRTT, p[0]+" <-> "+p[1])
	}
	r.Failures = failures(t, r.Failover)
	r.Latency = latency(t)
	r.RPO = rpoReport(t, r)
	r.SLOs = sloChecks(t, r)
	r.Rollout = RolloutPlan(t)
	return r
}

func failoverTime(t *model.Topology) FailoverTime {
	s := t.ReplicaSet.Settings
	f := FailoverTime{
		ElectionTimeoutMillis:   s.ElectionTimeoutMillis,
		HeartbeatIntervalMillis: s.HeartbeatIntervalMillis,
		CatchUpTimeoutMillis:    s.CatchUpTimeoutMillis,
		TypicalMillis:           s.ElectionTimeoutMillis + s.HeartbeatIntervalMillis,
	}
	if s.CatchUpTimeoutMillis < 0 {
		f.BoundMillis = -1
		f.Formula = fmt.Sprintf("electionTimeoutMillis %d + heartbeatIntervalMillis %d = %s, then catch-up: unbounded (catchUpTimeoutMillis -1)",
			s.ElectionTimeoutMillis, s.HeartbeatIntervalMillis, seconds(f.TypicalMillis))
	} else {
		f.BoundMillis = f.TypicalMillis + s.CatchUpTimeoutMillis
		f.Formula = fmt.Sprintf("electionTimeoutMillis %d + heartbeatIntervalMillis %d + catchUpTimeoutMillis %d = at most %s (%s without catch-up)",
			s.ElectionTimeoutMillis, s.HeartbeatIntervalMillis, s.CatchUpTimeoutMillis, seconds(f.BoundMillis), seconds(f.TypicalMillis))
	}
	return f
}

// seconds renders milliseconds as seconds, e.g. "42 s" or "12.5 s".
func seconds(ms int) string {
	if ms%1000 == 0 {
		return fmt.Sprintf("%d s", ms/1000)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.1f", float64(ms)/1000), "0"), ".") + " s"
}

// millis renders an estimate, "-1" being unknown.
func millis(ms float64) string {
	if ms < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.0f ms", ms)
}
