package schema

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// The sharded mode (MongoDB's "segmenting data by location", "zones"
// manual page; mongodb-facts.md): one shard replica set per zone, a config
// server replica set (CSRS) over the regions, routers per region, every
// listed collection sharded on a key whose first field is the location
// field, and zone ranges that cover the whole key space (the default zone
// takes every range no other zone claims).
//
// Why the default zone gets the complement rather than leaving the rest
// unzoned: "chunks that are not covered by a zone range can reside on any
// shard" (zones manual page), so the balancer could move data without
// residency onto the EU shard and back at will; with every range zoned a
// document's shard follows from the topology alone, which explain can
// print and a test can prove, and the EU shard carries only EU data.

// shardPath is where a zone's shard is declared.
func shardPath(zone string) []string { return []string{"sharding", "zones", zone, "shard"} }

// configServersPath is where the CSRS is declared.
func configServersPath() []string { return []string{"sharding", "configServers"} }

// defaultShardName is a zone's shard when the topology names none.
func defaultShardName(zone string) string { return "shard-" + strings.ToLower(zone) }

// resolveSharding builds t.Sharding without members (votes are assigned
// once the checks pass, shardingMembers) and runs the checks of the
// sharded mode's declarations.
func (c *checker) resolveSharding(t *model.Topology, raw rawTopology) {
	rs := raw.Sharding
	settings := model.ReplicaSetSettings(raw.ReplicaSet.Settings)
	s := &model.Sharding{}
	zones := slices.Sorted(maps.Keys(rs.Zones))
	for _, zn := range zones {
		z := rs.Zones[zn]
		sh := model.Shard{
			Name:         cmp.Or(z.Shard.Name, defaultShardName(zn)),
			Zone:         zn,
			Jurisdiction: z.Jurisdiction,
			Regions:      slices.Sorted(slices.Values(z.Regions)),
			Default:      z.Default,
			Set: model.MemberSet{
				ReplicaSet: model.ReplicaSet{Name: cmp.Or(z.Shard.Name, defaultShardName(zn)), Settings: settings},
				Sizing:     c.resolveSizing(z.Shard.Sizing, shardPath(zn)),
			},
		}
		s.Shards = append(s.Shards, sh)
	}
	slices.SortFunc(s.Shards, func(a, b model.Shard) int { return cmp.Compare(a.Name, b.Name) })
	s.ConfigServers = model.MemberSet{
		ReplicaSet: model.ReplicaSet{Name: rs.ConfigServers.Name, Settings: settings},
		Sizing:     c.resolveSizing(rs.ConfigServers.Sizing, configServersPath()),
	}
	m := rs.Mongos
	mongosSizing := model.Sizing{CPU: m.CPU, CPULimit: m.CPU, Memory: m.Memory, MemoryLimit: m.Memory, InstanceType: m.InstanceType, AppInstanceType: m.InstanceType}
	if b, err := model.ParseQuantity(m.Memory); err != nil {
		c.errorf([]string{"sharding", "mongos", "memory"}, `write a byte quantity, e.g. "4Gi"`, "%v", err)
	} else {
		mongosSizing.MemoryLimitBytes = int64(b)
	}
	for i := range t.Regions {
		r := &t.Regions[i]
		// The routers run on the application node group, next to the
		// applications that connect to them.
		r.Sizing.AppInstanceType = m.InstanceType
		s.Mongos = append(s.Mongos, model.Mongos{
			Region:   r.Name,
			Replicas: cmp.Or(m.RegionReplicas[r.Name], m.Replicas),
			Port:     cmp.Or(m.Port, t.MongoDB.Port),
			Sizing:   mongosSizing,
		})
	}
	for _, ns := range slices.Sorted(maps.Keys(rs.Collections)) {
		if col, ok := c.shardedCollection(ns, rs.Collections[ns], rs.LocationField); ok {
			s.Collections = append(s.Collections, col)
		}
	}
	// The replica-set mode's set does not exist (model/sharding.go).
	t.ReplicaSet = model.ReplicaSet{}
	t.Sharding = s
	c.checkSharding(t, raw)
	if claims, ok := c.zoneClaims(raw); ok {
		for i := range s.Collections {
			s.Collections[i].Ranges = zoneRanges(claims, defaultZone(raw), len(s.Collections[i].Key))
		}
	}
}

// defaultZone is the name of the zone marked default ("" when none is).
func defaultZone(raw rawTopology) string {
	for _, zn := range slices.Sorted(maps.Keys(raw.Sharding.Zones)) {
		if raw.Sharding.Zones[zn].Default {
			return zn
		}
	}
	return ""
}

// shardingMembers assigns each set's votes by the replica-set mode's rules
// (votes.go), checks them and lists the members.
func (c *checker) shardingMembers(t *model.Topology, raw rawTopology) {
	s := t.Sharding
	for i := range s.Shards {
		sh := &s.Shards[i]
		z := raw.Sharding.Zones[sh.Zone]
		c.buildSet(t, &sh.Set, shardPath(sh.Zone), z.Shard.Members, z.Shard.Voters, "shard "+sh.Name,
			shardOneRegionFix(t, sh))
	}
	cs := raw.Sharding.ConfigServers
	members := cs.Members
	if members == nil {
		// Default: one config server in every region, so each region's
		// routers read the metadata nearby and the CSRS survives what the
		// regions survive.
		members = map[string]int{}
		for _, r := range t.Regions {
			members[r.Name] = 1
		}
	}
	c.buildSet(t, &s.ConfigServers, configServersPath(), members, cs.Voters, "config servers "+s.ConfigServers.ReplicaSet.Name,
		"give the config servers members in other regions (sharding.configServers.members): every write needs a CSRS majority for its metadata")
	c.checkHosts(t)
	c.checkStorageClasses(t)
}

// shardOneRegionFix is the fix of a one-region shard: a second region of
// the same jurisdiction.
func shardOneRegionFix(t *model.Topology, sh *model.Shard) string {
	if sh.Jurisdiction == "" {
		return "give the shard members in a second region to survive a regional outage"
	}
	return "add a second region of " + sh.Jurisdiction + " to sharding.zones." + sh.Zone + ".regions and give the shard members there (e.g. eu-central-1 next to eu-west-1)"
}

// buildSet fills set's members from members and pinned voters per region.
func (c *checker) buildSet(t *model.Topology, set *model.MemberSet, path []string, members, pinned map[string]int, name, oneRegionFix string) {
	vs := voteSet{pinned: map[string]int{}, at: append(slices.Clone(path), "members"),
		pinnedAt:     func(r string) []string { return append(slices.Clone(path), "voters", r) },
		prefix:       name + ": ",
		oneRegionFix: oneRegionFix}
	for _, r := range t.Regions {
		n := members[r.Name]
		if n == 0 {
			continue
		}
		r.Members = n
		vs.regions = append(vs.regions, r)
		if v, ok := pinned[r.Name]; ok {
			vs.pinned[r.Name] = v
			if v > n {
				c.errorf(vs.pinnedAt(r.Name), "lower voters or raise members", "voters %d is more than the set's %d members in region %q", v, n, r.Name)
			}
		}
	}
	for r := range pinned {
		if members[r] == 0 {
			c.errorf(vs.pinnedAt(r), "drop it, or give the set members in that region", "%svoters pinned in region %q, where the set has no members", vs.prefix, r)
		}
	}
	if total := sumValues(members); total > model.MaxMembers {
		c.errorf(vs.at, "lower members in some regions", "%s%d members in all; a replica set has at most %d (mongodb-facts.md §1.3)", vs.prefix, total, model.MaxMembers)
	}
	if len(vs.regions) == 0 {
		c.errorf(vs.at, "give the set members in at least one region", "%sthe set has no members", vs.prefix)
		return
	}
	voters := vs.assign()
	electable := false
	for i := range vs.regions {
		vs.regions[i].Voters = voters[vs.regions[i].Name]
		electable = electable || vs.regions[i].Voters > 0 && vs.regions[i].Priority > 0
	}
	c.checkSetVotes(vs)
	if !electable && sumValues(voters) > 0 {
		c.errorf(vs.at, "give the set voting members in a region with priority > 0",
			"%sno member can become primary: each of its regions has priority 0 or no voter", vs.prefix)
	}
	set.Members = setMembers(set.ReplicaSet.Name, t.MongoDB.Port, vs.regions)
	if len(vs.regions) >= 2 {
		// getLastErrorModes "multiRegion", as the replica-set mode's.
		set.ReplicaSet.MultiRegionAckRegions = 2
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
