package schema

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/topogen/topogen/model"
)

// checkSharding checks the zones against the regions: names exist, one
// default zone, residency (a jurisdiction's regions belong to exactly one
// zone of that jurisdiction, a zone's shard has no member outside its
// zone's regions), and that every non-default zone claims data.
func (c *checker) checkSharding(t *model.Topology, raw rawTopology) {
	rs := raw.Sharding
	exists := func(path []string, region, fix string) bool {
		if _, ok := t.Region(region); ok {
			return true
		}
		c.errorf(path, fix, "no region is named %q (regions: %s)", region, strings.Join(regionNames(t), ", "))
		return false
	}
	zones := slices.Sorted(maps.Keys(rs.Zones))
	if len(zones) == 0 {
		c.errorf([]string{"sharding", "zones"}, `add a zone per jurisdiction and a default zone, e.g. zones: {EU: {jurisdiction: "EU", ...}, global: {default: true, ...}}`,
			"the sharded mode needs zones: none is declared")
	}
	var defaults []string
	for _, zn := range zones {
		z := rs.Zones[zn]
		zp := []string{"sharding", "zones", zn}
		if z.Default {
			defaults = append(defaults, zn)
			if len(defaults) == 2 {
				c.errorf(append(zp, "default"), "keep default: true on one zone only",
					"zone %q is a default zone, and so is zone %q (%s): data no zone claims needs exactly one home", zn, defaults[0], c.pos("sharding", "zones", defaults[0], "default"))
			}
			if z.Jurisdiction != "" {
				c.errorf(append(zp, "jurisdiction"), "drop the jurisdiction of the default zone, or make another zone the default",
					"the default zone %q holds the data no zone claims, so it cannot promise jurisdiction %s", zn, z.Jurisdiction)
			}
			if len(z.Values) > 0 || len(z.Ranges) > 0 {
				at := append(zp, "values")
				if len(z.Values) == 0 {
					at = append(zp, "ranges")
				}
				c.errorf(at, "drop them: the default zone gets every range the other zones do not claim",
					"the default zone %q claims values or ranges of its own", zn)
			}
		} else if len(z.Values) == 0 && len(z.Ranges) == 0 {
			c.errorf(zp, fmt.Sprintf("list the %s values of the zone's documents, e.g. values: [\"DE\", \"FR\"]", rs.LocationField),
				"zone %q claims no values or ranges of %s, so no document would live there", zn, rs.LocationField)
		}
		allowed := map[string]bool{}
		for i, rn := range z.Regions {
			rp := append(slices.Clone(zp), "regions", strconv.Itoa(i))
			if !exists(rp, rn, "name a region of the topology") {
				continue
			}
			allowed[rn] = true
			r, _ := t.Region(rn)
			if z.Jurisdiction != "" && r.Jurisdiction != z.Jurisdiction {
				c.errorf(rp, fmt.Sprintf("remove it from the zone's regions, or set regions.%s.jurisdiction: %q if its data may stay there", rn, z.Jurisdiction),
					"zone %q keeps its data in %s, but region %q (%s) is %s", zn, z.Jurisdiction, rn, c.pos("regions", rn, "cloudRegion"), cmp.Or(r.Jurisdiction, "in no jurisdiction"))
			}
		}
		sp := shardPath(zn)
		for _, rn := range slices.Sorted(maps.Keys(z.Shard.Members)) {
			mp := append(slices.Clone(sp), "members", rn)
			if !exists(mp, rn, "name a region of the topology") || allowed[rn] {
				continue
			}
			c.errorf(mp, fmt.Sprintf("move the members to the zone's regions (%s), or allow %q in sharding.zones.%s.regions", strings.Join(z.Regions, ", "), rn, zn),
				"the shard of zone %q places %d members in region %q, outside the zone's regions: its data would be copied there", zn, z.Shard.Members[rn], rn)
		}
	}
	if len(zones) > 0 && len(defaults) == 0 {
		c.errorf([]string{"sharding", "zones"}, "mark one zone default: true: it holds the data without residency",
			"no zone is the default, so documents no zone claims would have no home")
	}
	// Every jurisdiction region belongs to exactly one zone of its
	// jurisdiction (the default zone may use it too: data without
	// residency may live anywhere).
	for _, r := range t.Regions {
		if r.Jurisdiction == "" {
			continue
		}
		var in []string
		for _, zn := range zones {
			z := rs.Zones[zn]
			if z.Default || z.Jurisdiction == "" {
				continue
			}
			if slices.Contains(z.Regions, r.Name) {
				in = append(in, zn)
			}
		}
		switch {
		case len(in) == 0:
			c.errorf([]string{"regions", r.Name, "jurisdiction"}, fmt.Sprintf("add %q to the regions of the zone of %s (sharding.zones.<zone>.regions), or add a zone with jurisdiction: %q", r.Name, r.Jurisdiction, r.Jurisdiction),
				"region %q declares jurisdiction %s, but no zone's shard of that jurisdiction holds it", r.Name, r.Jurisdiction)
		case len(in) > 1:
			c.errorf([]string{"regions", r.Name, "jurisdiction"}, "keep the region in one of them: one zone per jurisdiction region",
				"region %q belongs to the zones %s: a jurisdiction region belongs to exactly one zone's shard", r.Name, strings.Join(in, " and "))
		}
	}
	for _, rn := range slices.Sorted(maps.Keys(rs.ConfigServers.Members)) {
		exists(append(configServersPath(), "members", rn), rn, "name a region of the topology")
	}
	for _, rn := range slices.Sorted(maps.Keys(rs.Mongos.RegionReplicas)) {
		exists([]string{"sharding", "mongos", "regionReplicas", rn}, rn, "name a region of the topology")
	}
	if len(rs.Collections) == 0 {
		c.errorf([]string{"sharding", "collections"}, fmt.Sprintf(`shard the collections holding resident data, e.g. collections: "app.users": key: [{%s: 1}, {userId: 1}]`, rs.LocationField),
			"no collection is sharded: every document would stay on the primary shard, whatever its %s", rs.LocationField)
	}
	c.checkSetNames(t)
}

func regionNames(t *model.Topology) []string {
	var out []string
	for _, r := range t.Regions {
		out = append(out, r.Name)
	}
	return out
}

// checkSetNames: every set needs its own name (a shard's name is its id
// in config.shards and the prefix of its pods).
func (c *checker) checkSetNames(t *model.Topology) {
	seen := map[string][]string{}
	for _, sh := range t.Sharding.Shards {
		p := append(shardPath(sh.Zone), "name")
		if other, dup := seen[sh.Set.ReplicaSet.Name]; dup {
			c.errorf(p, "give each shard its own name", "shard name %q is also used at %s", sh.Set.ReplicaSet.Name, c.pos(other...))
		}
		seen[sh.Set.ReplicaSet.Name] = p
	}
	p := append(configServersPath(), "name")
	if other, dup := seen[t.Sharding.ConfigServers.ReplicaSet.Name]; dup {
		c.errorf(p, "give the config servers a name no shard uses", "config server set name %q is also used at %s", t.Sharding.ConfigServers.ReplicaSet.Name, c.pos(other...))
	}
}

// checkHosts: pod names "<set>-<region>-<ordinal>" are DNS labels and
// unique across sets (hosts are per pod; "a-b" in region "c" and "a" in
// region "b-c" would collide).
func (c *checker) checkHosts(t *model.Topology) {
	type set struct {
		path    []string
		members []model.Member
	}
	sets := []set{{configServersPath(), t.Sharding.ConfigServers.Members}}
	for _, sh := range t.Sharding.Shards {
		sets = append(sets, set{shardPath(sh.Zone), sh.Set.Members})
	}
	seen := map[string]bool{}
	for _, s := range sets {
		for _, m := range s.members {
			switch {
			case len(m.Pod) > 63:
				c.errorf(append(s.path, "name"), "shorten the set's or the region's name",
					"pod name %q is longer than 63 characters (a DNS label)", m.Pod)
			case seen[m.Pod]:
				c.errorf(append(s.path, "name"), "rename the set so its pods cannot collide with another set's",
					"pod name %q is also another set's member", m.Pod)
			}
			seen[m.Pod] = true
		}
	}
}

// shardedCollection reads one collection's key: its first field is the
// location field, ranged (zone ranges are ranges of it); at least one
// more field, since a key of the location alone has one value per
// location, and a chunk cannot be split below one key value ("Choose a
// Shard Key": cardinality; jumbo chunks); at most one hashed field (a
// compound hashed index has one hashed field, "Hashed Indexes").
func (c *checker) shardedCollection(ns string, raw rawCollection, location string) (model.ShardedCollection, bool) {
	path := []string{"sharding", "collections", ns, "key"}
	col := model.ShardedCollection{Namespace: ns}
	ok := true
	seen := map[string]bool{}
	hashed := 0
	for i, f := range raw.Key {
		fp := append(slices.Clone(path), strconv.Itoa(i))
		if len(f) != 1 {
			c.errorf(fp, "write one field per element, in key order, e.g. [{country: 1}, {userId: 1}]", "a shard key element names %d fields: their order would be lost", len(f))
			ok = false
			continue
		}
		for name, v := range f {
			field := model.ShardKeyField{Field: name, Hashed: v == "hashed"}
			if seen[name] {
				c.errorf(fp, "name each field once", "field %q is twice in the shard key", name)
				ok = false
			}
			seen[name] = true
			if field.Hashed {
				hashed++
			}
			col.Key = append(col.Key, field)
		}
	}
	if !ok || len(col.Key) == 0 {
		return col, false
	}
	first := col.Key[0]
	switch {
	case first.Field != location:
		c.errorf(append(slices.Clone(path), "0"), fmt.Sprintf("put the location field first: [{%s: 1}, {%s: 1}, ...]", location, first.Field),
			"the shard key of %s starts with %q, not the location field %q: zone ranges are ranges of the key's prefix, so documents of one location would spread over every zone", ns, first.Field, location)
		return col, false
	case first.Hashed:
		c.errorf(append(slices.Clone(path), "0"), fmt.Sprintf("make it {%s: 1}; hash a later field instead", location),
			"the location field %q is hashed: its values would scatter over the key space and no zone range could hold one location", location)
		return col, false
	case len(col.Key) == 1:
		c.errorf(path, fmt.Sprintf("add a high-cardinality field after it, e.g. [{%s: 1}, {userId: 1}]", location),
			"the shard key of %s is the location field alone: one location's documents would be one chunk that cannot be split", ns)
		return col, false
	case hashed > 1:
		c.errorf(path, "hash one field at most", "the shard key of %s hashes %d fields: a compound hashed index has one hashed field", ns, hashed)
		return col, false
	}
	return col, true
}

// checkStorageClasses: the sets with members in one region share that
// region's StorageClass of a name, and a StorageClass's parameters (gp3
// iops and throughput) are those of every volume it provisions; the
// Kubernetes target renders one StorageClass per name and region. So two
// sets with members in a region that name one class must ask for the same
// volume performance.
func (c *checker) checkStorageClasses(t *model.Topology) {
	s := t.Sharding
	paths := map[string][]string{s.ConfigServers.ReplicaSet.Name: configServersPath()}
	what := map[string]string{s.ConfigServers.ReplicaSet.Name: "the config servers " + s.ConfigServers.ReplicaSet.Name}
	for _, sh := range s.Shards {
		paths[sh.Set.ReplicaSet.Name] = shardPath(sh.Zone)
		what[sh.Set.ReplicaSet.Name] = "shard " + sh.Name
	}
	reported := map[[2]string]bool{}
	for _, r := range t.Regions {
		owner := map[string]model.MemberSet{} // storage class → first set naming it here
		for _, set := range s.Sets() {
			if len(set.RegionMembers(r.Name)) == 0 {
				continue
			}
			sz := set.Sizing
			first, seen := owner[sz.StorageClass]
			if !seen {
				owner[sz.StorageClass] = set
				continue
			}
			pair := [2]string{first.ReplicaSet.Name, set.ReplicaSet.Name}
			if (first.Sizing.IOPS == sz.IOPS && first.Sizing.Throughput == sz.Throughput) || reported[pair] {
				continue
			}
			reported[pair] = true
			c.errorf(append(slices.Clone(paths[set.ReplicaSet.Name]), "sizing", "storageClass"),
				fmt.Sprintf("give %s its own storageClass name, or the iops and throughput of %s", what[set.ReplicaSet.Name], what[first.ReplicaSet.Name]),
				"%s and %s both have members in region %q and name StorageClass %q, with other volume performance (iops %d, throughput %d MiB/s against iops %d, throughput %d MiB/s): a StorageClass's parameters are its volumes'",
				what[set.ReplicaSet.Name], what[first.ReplicaSet.Name], r.Name, sz.StorageClass, sz.IOPS, sz.Throughput, first.Sizing.IOPS, first.Sizing.Throughput)
		}
	}
}
