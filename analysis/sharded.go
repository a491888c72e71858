package analysis

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/topogen/topogen/model"
)

// Sharded is explain's report of the sharded mode: where each zone's data
// lives, what crosses borders, the failure table of every set (the
// replica-set mode's analysis on each set, model.Topology.SetView) and the
// cost of a write to each zone from each region.
type Sharded struct {
	LocationField string          `json:"locationField"`
	Residency     []ZoneResidency `json:"residency"`
	// CrossesBorders says what leaves a jurisdiction's regions.
	CrossesBorders []string `json:"crossesBorders"`
	// Sets: the config servers first, then the shards in name order.
	Sets []SetReport `json:"sets"`
	// Writes: per zone, a w:majority write from each region.
	Writes []ZoneWrites `json:"writes"`
}

// ZoneResidency is one row of the residency table.
type ZoneResidency struct {
	Zone         string `json:"zone"`
	Jurisdiction string `json:"jurisdiction"`
	Default      bool   `json:"default"`
	Shard        string `json:"shard"`
	// Allowed regions, and the regions holding the shard's members.
	Allowed []string `json:"allowedRegions"`
	Members []string `json:"members"` // "euw 3"
	// CloudRegions holding the zone's documents.
	CloudRegions []string `json:"cloudRegions"`
	// Locations: the location values or ranges mapped to the zone (of the
	// first collection; every collection has the same), or "every other
	// value" for the default zone.
	Locations []string `json:"locations"`
}

// SetReport is one replica set's analysis.
type SetReport struct {
	// Role: "config servers" or "shard".
	Role     string      `json:"role"`
	Name     string      `json:"name"`
	Zone     string      `json:"zone,omitempty"`
	Voters   int         `json:"voters"`
	Majority int         `json:"majority"`
	Primary  string      `json:"primaryRegion"`
	Regions  []RegionRow `json:"regions"`
	Failures []Failure   `json:"failures"`
	// PrimaryWrite is the w:majority estimate from the preferred region.
	PrimaryWrite WriteEstimate `json:"primaryWrite"`
	// SurvivesZoneLoss and SurvivesRegionLoss: every loss of one
	// availability zone (one region) keeps w:majority writes.
	SurvivesZoneLoss   bool `json:"survivesZoneLoss"`
	SurvivesRegionLoss bool `json:"survivesRegionLoss"`
	// Note says what to do when a loss stops writes.
	Note string `json:"note,omitempty"`
}

// ZoneWrites is a w:majority write to a zone's documents from each region:
// the client's mongos forwards it to the shard's primary, which waits for
// its majority.
type ZoneWrites struct {
	Zone    string      `json:"zone"`
	Shard   string      `json:"shard"`
	Primary string      `json:"primaryRegion"`
	From    []WriteFrom `json:"from"`
}

// WriteFrom is one region's estimate: RTT to the primary's region plus the
// primary's w:majority (-1: unknown).
type WriteFrom struct {
	Region      string  `json:"region"`
	CloudRegion string  `json:"cloudRegion"`
	Millis      float64 `json:"millis"`
}

func explainSharded(t *model.Topology) Report {
	sh := t.Sharding
	r := Report{Topology: t.Name, Regions: []RegionRow{}, Failures: []Failure{}, SLOs: []SLOCheck{}, MissingRTT: []string{},
		Latency: Latency{Regions: []RegionLatency{}, PrimaryWrite: WriteEstimate{Acks: []Ack{}}}, Rollout: Rollout{Regions: []string{}, Steps: []RolloutStep{}}}
	for _, p := range MissingRTT(t) {
		r.MissingRTT = append(r.MissingRTT, p[0]+" <-> "+p[1])
	}
	r.Failover = failoverTime(t.SetView(sh.ConfigServers))
	s := &Sharded{Residency: []ZoneResidency{}, Sets: []SetReport{}, Writes: []ZoneWrites{}}
	if len(sh.Collections) > 0 {
		s.LocationField = sh.Collections[0].Key[0].Field
	}
	s.Sets = append(s.Sets, setReport(t, "config servers", "", sh.ConfigServers, ""))
	// The SLOs are judged per set: a write lands on one shard (and its
	// metadata on the config servers), so each set must meet them.
	for _, set := range sh.Sets() {
		for _, c := range Explain(t.SetView(set)).SLOs {
			c.Set = set.ReplicaSet.Name
			r.SLOs = append(r.SLOs, c)
		}
	}
	for _, shard := range sh.Shards {
		s.Sets = append(s.Sets, setReport(t, "shard", shard.Zone, shard.Set, shard.Jurisdiction))
		s.Residency = append(s.Residency, residency(t, shard))
		view := t.SetView(shard.Set)
		primary := view.Preferred()
		w := ZoneWrites{Zone: shard.Zone, Shard: shard.Name, Primary: primary.Name, From: []WriteFrom{}}
		majority := WriteMajority(view, primary.Name).Millis
		for _, from := range t.Regions {
			ms, ok := RTTMillis(t, from.CloudRegion, primary.CloudRegion)
			if from.Name == primary.Name {
				ms, ok = IntraRegionRTTMillis, true
			}
			est := -1.0
			if ok && majority >= 0 {
				est = ms + majority
			}
			w.From = append(w.From, WriteFrom{Region: from.Name, CloudRegion: from.CloudRegion, Millis: est})
		}
		s.Writes = append(s.Writes, w)
	}
	s.CrossesBorders = borders(t)
	r.Sharding = s
	return r
}

// setReport runs the replica-set mode's analysis on one set.
func setReport(t *model.Topology, role, zone string, set model.MemberSet, jurisdiction string) SetReport {
	view := t.SetView(set)
	rep := Explain(view)
	sr := SetReport{Role: role, Name: set.ReplicaSet.Name, Zone: zone, Voters: rep.Voters, Majority: rep.Majority, Primary: rep.Primary,
		Regions: rep.Regions, Failures: rep.Failures, PrimaryWrite: rep.Latency.PrimaryWrite, SurvivesZoneLoss: true, SurvivesRegionLoss: true}
	for _, f := range rep.Failures {
		switch f.Kind {
		case "zone":
			sr.SurvivesZoneLoss = sr.SurvivesZoneLoss && f.MajorityWrites
		case "region":
			sr.SurvivesRegionLoss = sr.SurvivesRegionLoss && f.MajorityWrites
		}
	}
	switch {
	case len(view.Regions) == 1 && sr.SurvivesZoneLoss:
		only := view.Regions[0]
		sr.Note = fmt.Sprintf("one region: survives the loss of an availability zone of %s, not the loss of %s", only.Name, only.CloudRegion)
		if jurisdiction != "" {
			sr.Note += fmt.Sprintf("; add a second region of %s to zone %s and give the shard members there", jurisdiction, zone)
			if other := sameAreaRegion(t, only.CloudRegion); other != "" {
				sr.Note += " (e.g. " + other + ")"
			}
		}
	case !sr.SurvivesRegionLoss:
		var lost []string
		for _, f := range rep.Failures {
			if f.Kind == "region" && !f.MajorityWrites {
				lost = append(lost, f.Lost[0])
			}
		}
		sr.Note = fmt.Sprintf("losing %s stops its writes until it returns or a forced reconfig", strings.Join(lost, " or "))
		if len(view.Regions) == 2 {
			sr.Note += fmt.Sprintf("; a third region%s with a member would keep a majority", strings.TrimSuffix(" of "+jurisdiction, " of "))
		}
	}
	return sr
}

// sameAreaRegion suggests a cloud region of the same area (its prefix,
// e.g. "eu-") that the topology does not use yet.
func sameAreaRegion(t *model.Topology, cloud string) string {
	prefix, _, _ := strings.Cut(cloud, "-")
	used := map[string]bool{}
	for _, r := range t.Regions {
		used[r.CloudRegion] = true
	}
	// Prefer a region the topology already has (its VPC exists).
	for _, r := range t.Regions {
		if r.CloudRegion != cloud && strings.HasPrefix(r.CloudRegion, prefix+"-") {
			return r.CloudRegion
		}
	}
	for _, k := range KnownRegions() {
		if !used[k] && strings.HasPrefix(k, prefix+"-") {
			return k
		}
	}
	return ""
}

func residency(t *model.Topology, shard model.Shard) ZoneResidency {
	z := ZoneResidency{Zone: shard.Zone, Jurisdiction: shard.Jurisdiction, Default: shard.Default, Shard: shard.Name,
		Allowed: shard.Regions, Members: []string{}, CloudRegions: []string{}, Locations: []string{}}
	for _, r := range t.Regions {
		if n := len(shard.Set.RegionMembers(r.Name)); n > 0 {
			z.Members = append(z.Members, fmt.Sprintf("%s %d", r.Name, n))
			z.CloudRegions = append(z.CloudRegions, r.CloudRegion)
		}
	}
	if shard.Default {
		z.Locations = append(z.Locations, "every other value")
		return z
	}
	if len(t.Sharding.Collections) == 0 {
		return z
	}
	for _, rg := range t.Sharding.Collections[0].Ranges {
		if rg.Zone != shard.Zone {
			continue
		}
		lo, hi := rg.Min[0], rg.Max[0]
		switch {
		case lo.Value == hi.Value && len(rg.Max) > 1 && rg.Max[1].Special == model.MaxKey:
			z.Locations = append(z.Locations, lo.Value)
		default:
			z.Locations = append(z.Locations, fmt.Sprintf("[%s, %s)", boundText(lo), boundText(hi)))
		}
	}
	return z
}

func boundText(b model.KeyBound) string {
	if b.Special != "" {
		return b.Special
	}
	return fmt.Sprintf("%q", b.Value)
}

// borders says what leaves a jurisdiction's regions: the config servers'
// metadata, at rest, and other zones' documents in transit.
func borders(t *model.Topology) []string {
	sh := t.Sharding
	var regions []string
	for _, r := range t.Regions {
		if len(sh.ConfigServers.RegionMembers(r.Name)) > 0 {
			regions = append(regions, r.Name+" ("+r.CloudRegion+")")
		}
	}
	out := []string{
		fmt.Sprintf("at rest: the config servers %s in %s hold metadata only: the shards, the zones and their ranges of %s values, the chunk bounds and the users; no document of a sharded collection (config database, MongoDB manual \"Config Servers\")",
			sh.ConfigServers.ReplicaSet.Name, strings.Join(regions, ", "), locationField(t)),
		"at rest: chunk bounds are shard key values (the first and last key of each chunk, config.chunks), so keep personal data out of the shard key after the location field, or hash it",
		"in transit: a query or write for another zone's documents goes from the client's regional mongos to that zone's shard and back; nothing of it is stored outside the zone's regions",
	}
	return out
}

func locationField(t *model.Topology) string {
	if len(t.Sharding.Collections) == 0 {
		return "location"
	}
	return t.Sharding.Collections[0].Key[0].Field
}

func (s *Sharded) writeText(b *bytes.Buffer, r Report) {
	shards := len(s.Sets) - 1
	fmt.Fprintf(b, "Topology %s, sharded by %s: %s, config servers %s.\n\n", r.Topology, s.LocationField, plural(shards, "shard"), s.Sets[0].Name)

	b.WriteString("Residency (where each zone's documents live)\n")
	tb := table{header: []string{"ZONE", "JURISDICTION", "SHARD", "MEMBERS", "CLOUD REGIONS", strings.ToUpper(s.LocationField)}}
	for _, z := range s.Residency {
		j := z.Jurisdiction
		switch {
		case z.Default:
			j = "none (default zone)"
		case j == "":
			j = "none"
		}
		tb.add(z.Zone, j, z.Shard, strings.Join(z.Members, ", "), strings.Join(z.CloudRegions, ", "), strings.Join(z.Locations, " "))
	}
	tb.write(b)

	b.WriteString("\nWhat crosses borders\n")
	for _, line := range s.CrossesBorders {
		fmt.Fprintf(b, "  - %s\n", line)
	}

	for _, set := range s.Sets {
		what := set.Role + " " + set.Name
		if set.Zone != "" {
			what += " (zone " + set.Zone + ")"
		}
		fmt.Fprintf(b, "\n%s: %s, majority %d; primary preferred in %s; w:majority from there %s.\n",
			strings.ToUpper(what[:1])+what[1:], plural(set.Voters, "voting member"), set.Majority, set.Primary, millis(set.PrimaryWrite.Millis))
		writeMembers(b, set.Regions)
		fmt.Fprintf(b, "Failures of %s (time to a new primary = %s)\n", set.Name, r.Failover.Formula)
		writeFailures(b, set.Failures, set.Voters)
		if set.Note != "" {
			fmt.Fprintf(b, "  note: %s\n", set.Note)
		}
	}

	fmt.Fprintf(b, "\nWrites (w:majority through the client's regional mongos: RTT to the shard's primary + its w:majority; intra-region %s)\n", millis(IntraRegionRTTMillis))
	header := []string{"FROM", "CLOUD REGION"}
	for _, w := range s.Writes {
		header = append(header, "TO ZONE "+w.Zone+" (PRIMARY IN "+w.Primary+")")
	}
	tb = table{header: header}
	if len(s.Writes) > 0 {
		for i, f := range s.Writes[0].From {
			row := []string{f.Region, f.CloudRegion}
			for _, w := range s.Writes {
				row = append(row, millis(w.From[i].Millis))
			}
			tb.add(row...)
		}
	}
	tb.write(b)

	b.WriteString("\nSLOs (per set)\n")
	tb = table{header: []string{"SET", "SLO", "TARGET", "VERDICT", "ESTIMATE"}}
	for _, c := range r.SLOs {
		tb.add(c.Set, c.Name, c.Target, strings.ToUpper(c.Verdict), c.Estimate)
	}
	tb.write(b)
	for _, c := range r.SLOs {
		if c.Cause != "" {
			fmt.Fprintf(b, "  %s %s: %s\n", c.Set, c.Name, c.Cause)
		}
		if c.Accepted != "" {
			fmt.Fprintf(b, "  %s %s accepted: %q\n", c.Set, c.Name, c.Accepted)
		}
	}
	if len(r.MissingRTT) > 0 {
		fmt.Fprintf(b, "\nUnknown round trips (add analysis.rttMillis): %s\n", strings.Join(r.MissingRTT, ", "))
	}
}
