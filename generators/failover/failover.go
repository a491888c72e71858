// Package failover generates out/replset/failover/<region>.json: for each
// region, the planned reconfig that makes it the preferred region and the
// forced reconfig to run when the regions holding the majority of the votes
// are gone. The README runbook says when to use which.
package failover

import (
	"fmt"
	"strings"

	"github.com/topogen/topogen/analysis"
	"github.com/topogen/topogen/generators"
	"github.com/topogen/topogen/generators/replset"
	"github.com/topogen/topogen/internal/prettyjson"
	"github.com/topogen/topogen/model"
)

// Dir holds the failover documents, relative to the output directory.
const Dir = "replset/failover"

// PlaceholderVersion is the version every generated config carries. The
// real one is only known at run time: mongosh's rs.reconfig() overwrites it
// with the running config's version + 1 (mongosh shell-api ReplicaSet.reconfig),
// which a non-force reconfig needs (mongodb-facts.md §1.8). 2 keeps the
// document valid on its own (version 1 is for initiate only, §1.7).
const PlaceholderVersion = 2

// Document is one region's failover file. mongod's config parser is strict
// about top-level fields (mongodb-facts.md §1.1), so the explanations sit
// beside each config, never inside it.
type Document struct {
	Region      string `json:"region"`
	CloudRegion string `json:"cloudRegion"`
	Version     string `json:"version"`
	// Prefer is absent when the region has no voting member: making it
	// preferred would add a voter, a different (and larger) change.
	Prefer         *Step  `json:"prefer"`
	ForcedReconfig Step   `json:"forcedReconfig"`
	Note           string `json:"note,omitempty"`
}

// Step is one reconfig with when and how to run it.
type Step struct {
	Description string         `json:"description"`
	When        string         `json:"when"`
	Run         string         `json:"run"`
	Config      replset.Config `json:"config"`
}

// Generate renders one document per region.
func Generate(t *model.Topology) ([]generators.File, error) {
	if t.Sharding != nil {
		return generateSharded(t)
	}
	return generate(t, false), nil
}

// generate renders the documents of t's one set; configsvr marks the
// configs of a config server replica set (sharded.go).
func generate(t *model.Topology, configsvr bool) []generators.File {
	rep := analysis.Explain(t)
	var files []generators.File
	for _, r := range t.Regions {
		doc := Document{
			Region:      r.Name,
			CloudRegion: r.CloudRegion,
			Version: fmt.Sprintf("each config carries version %d as a placeholder: rs.reconfig() in mongosh replaces it with the running version + 1; "+
				"with the replSetReconfig command, set it to rs.conf().version + 1 yourself", PlaceholderVersion),
		}
		if cfg, ok := PreferConfig(t, r.Name); ok {
			cfg.ConfigSvr = configsvr
			doc.Prefer = &Step{
				Description: fmt.Sprintf("Planned move of the primary to %s (%s): same members and votes, priorities re-ranked so %s's voting members rank highest (7, then the other electable regions in their current order).", r.Name, r.CloudRegion, r.Name),
				When:        "Every region is up and the set has a primary; you want the primary in " + r.Name + " (maintenance elsewhere, traffic moved). Writes continue; one election moves the primary once a member in " + r.Name + " has caught up.",
				Run:         "On the current primary: rs.reconfig(cfg) with cfg = this document's prefer.config. Then change regions." + r.Name + ".priority in the topology to match, or the next reviewed change moves the primary back.",
				Config:      cfg,
			}
		} else {
			doc.Note = fmt.Sprintf("region %s has no voting member, so it cannot be made preferred without adding a voter; change its voters and priority in the topology instead", r.Name)
		}
		forced := ForcedConfig(t, r.Name)
		forced.ConfigSvr = configsvr
		voters := 0
		for _, m := range forced.Members {
			voters += m.Votes
		}
		doc.ForcedReconfig = Step{
			Description: fmt.Sprintf("Disaster recovery: keep only %s's %d member(s), %d of them voting, so they can elect a primary without the lost regions. Writes that had not reached %s when the other regions went down are lost.", r.Name, len(forced.Members), voters, r.Name),
			When:        forcedWhen(rep, r.Name),
			Run:         "On a surviving member of " + r.Name + ": rs.reconfig(cfg, {force: true}) with cfg = this document's forcedReconfig.config. When the lost regions return, do not let their members rejoin as they are: wipe their data and add them back with at most one voting member per reconfig (mongod rejects more), ending at the topology's config.",
			Config:      forced,
		}
		files = append(files, generators.File{Path: Dir + "/" + r.Name + ".json", Data: marshal(doc)})
	}
	return files
}

// forcedWhen lists the failures (from the failure table) that leave this
// region up and the set without a writable majority.
func forcedWhen(rep analysis.Report, region string) string {
	var cases []string
	for _, f := range rep.Failures {
		if f.MajorityWrites || f.Kind == "zone" {
			continue
		}
		lost := false
		for _, l := range f.Lost {
			lost = lost || l == region
		}
		if !lost {
			cases = append(cases, strings.Join(f.Lost, "+"))
		}
	}
	if len(cases) == 0 {
		return "No single-region or two-region loss leaves " + region + " up without a majority; use this only if every other region is gone for good and the set has no primary."
	}
	return "The set has no primary because the regions holding the majority of the votes are gone (e.g. losing " + strings.Join(cases, ", or ") +
		") and they will not return within the RTO. Confirm they are really down (not partitioned: two primaries would diverge) before forcing."
}

// PreferConfig is the reconfig that makes region preferred: the topology's
// members and votes, priorities re-ranked Atlas-style (mongodb-facts.md §4):
// 7 for region, then 6, 5, ... (at least 1) for the other regions that have
// priority > 0, in their current preference order. ok is false when region
// has no voting member (priority > 0 needs a vote, §1.4).
func PreferConfig(t *model.Topology, region string) (replset.Config, bool) {
	r, found := t.Region(region)
	if !found || r.Voters == 0 {
		return replset.Config{}, false
	}
	order := []string{region}
	for _, o := range t.PreferredRegions() {
		if o.Name != region && o.Priority > 0 {
			order = append(order, o.Name)
		}
	}
	prio := map[string]int{}
	for i, name := range order {
		prio[name] = max(7-i, 1)
	}
	members := make([]model.Member, len(t.Members))
	for i, m := range t.Members {
		if m.Votes > 0 {
			m.Priority = prio[m.Region]
		} else {
			m.Priority = 0
		}
		members[i] = m
	}
	return replset.BuildConfig(t.ReplicaSet, members, PlaceholderVersion), true
}

// ForcedConfig keeps only region's members: the first min(members, 7)
// vote, rounded down to an odd count (mongodb-facts.md §1.3), with the
// region's priority (at least 1, so a priority-0 region can take over);
// the rest get votes 0, priority 0 (§1.4). The multiRegion write-concern
// mode is dropped: one region cannot satisfy it (§1.6).
func ForcedConfig(t *model.Topology, region string) replset.Config {
	r, _ := t.Region(region)
	members := t.RegionMembers(region)
	voters := min(len(members), model.MaxVoters)
	if voters%2 == 0 {
		voters--
	}
	for i := range members {
		members[i].Votes, members[i].Priority = 0, 0
		if i < voters {
			members[i].Votes, members[i].Priority = 1, max(r.Priority, 1)
		}
	}
	rs := t.ReplicaSet
	rs.MultiRegionAckRegions = 0
	return replset.BuildConfig(rs, members, PlaceholderVersion)
}

func marshal(v any) []byte {
	b, err := prettyjson.Marshal(v)
	if err != nil {
		panic(err) // Document holds strings, ints, bools, slices and string-keyed maps.
	}
	return b
}
