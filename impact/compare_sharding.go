package impact

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/topogen/topogen/model"
)

// sharding reports the sharded mode's changes: the mode itself, then the
// config servers, each shard by name, each collection by namespace and
// the routers by region.
func (c *comparer) sharding(old, new *model.Topology) {
	o, n := old.Sharding, new.Sharding
	switch {
	case o == nil && n == nil:
		return
	case o == nil:
		c.add(Destructive, "", "sharding", "sharding added (destructive: a new sharded cluster, its config servers and shards, is initiated empty beside the replica set; moving the data into it, e.g. mongodump/mongorestore through a mongos, is not automated)")
		return
	case n == nil:
		c.add(Destructive, "", "sharding", "sharding removed (destructive: the shards, the config servers and their data are dropped for one replica set initiated empty)")
		return
	}
	c.set("sharding.configServers", "config servers", o.ConfigServers, n.ConfigServers)
	shardName := func(sh model.Shard) string { return sh.Name }
	os, ns := byKey(o.Shards, shardName), byKey(n.Shards, shardName)
	for _, name := range slices.Sorted(maps.Keys(union(os, ns))) {
		so, inOld := os[name]
		sn, inNew := ns[name]
		p := "sharding.zones." + sn.Zone + ".shard"
		switch {
		case !inOld:
			c.add(Reconfig, "", p, "shard %s added for zone %s in %s (new StatefulSets; addShard, addShardToZone, then the balancer moves the zone's chunks to it)",
				name, sn.Zone, strings.Join(sn.Regions, ","))
			continue
		case !inNew:
			c.add(Destructive, "", "sharding.zones."+so.Zone+".shard", "shard %s of zone %s removed (destructive: removeShard drains its chunks to other shards, which may hold them outside the zone's regions, then its members and volumes go)",
				name, so.Zone)
			continue
		}
		if so.Zone != sn.Zone || so.Default != sn.Default || so.Jurisdiction != sn.Jurisdiction {
			c.add(Reconfig, "", p, "shard %s: zone %s → %s (reconfig: addShardToZone/removeShardFromZone; the balancer moves chunks to the zone's shards)",
				name, zoneString(so), zoneString(sn))
		}
		if !slices.Equal(so.Regions, sn.Regions) {
			c.add(Safe, "", "sharding.zones."+sn.Zone+".regions", "zone %s: allowed regions %s → %s (safe: checked by vet; the shard's members move only with its members)",
				sn.Zone, strings.Join(so.Regions, ","), strings.Join(sn.Regions, ","))
		}
		c.set(p, "shard "+name, so.Set, sn.Set)
	}
	namespace := func(col model.ShardedCollection) string { return col.Namespace }
	oc, nc := byKey(o.Collections, namespace), byKey(n.Collections, namespace)
	for _, ns := range slices.Sorted(maps.Keys(union(oc, nc))) {
		co, inOld := oc[ns]
		cn, inNew := nc[ns]
		p := "sharding.collections." + ns
		switch {
		case !inOld:
			c.add(Reconfig, "", p, "collection %s sharded on %s (shardCollection; an existing collection's chunks then move to their zones)", ns, keyString(cn.Key))
		case !inNew:
			c.add(Destructive, "", p, "collection %s no longer sharded (destructive: unsharding moves every document to one shard, outside its zone's regions)", ns)
		default:
			if keyString(co.Key) != keyString(cn.Key) {
				c.add(Destructive, "", p+".key", "collection %s: shard key %s → %s (destructive: only reshardCollection changes a key; it rewrites the collection)", ns, keyString(co.Key), keyString(cn.Key))
			}
			if rangesString(co.Ranges) != rangesString(cn.Ranges) {
				c.add(Reconfig, "", p, "collection %s: zone ranges changed (updateZoneKeyRange; the balancer moves the affected chunks between shards, across regions)", ns)
			}
		}
	}
	region := func(m model.Mongos) string { return m.Region }
	om, nm := byKey(o.Mongos, region), byKey(n.Mongos, region)
	for _, r := range slices.Sorted(maps.Keys(union(om, nm))) {
		mo, mn := om[r], nm[r]
		p := "sharding.mongos"
		if mo.Replicas != mn.Replicas {
			c.add(Safe, r, p+".replicas", "%s: mongos replicas %d → %d (safe: the Deployment scales)", r, mo.Replicas, mn.Replicas)
		}
		if mo.Port != mn.Port {
			c.add(Rolling, r, p+".port", "%s: mongos port %d → %d (rolling: the routers restart; clients follow the connection ConfigMap)", r, mo.Port, mn.Port)
		}
		if d := sizingDiff(mo.Sizing, mn.Sizing); d != "" {
			c.add(Rolling, r, p, "%s: mongos sizing %s (rolling restart of the routers)", r, d)
		}
	}
}

// set reports one replica set of the sharded cluster.
func (c *comparer) set(p, what string, o, n model.MemberSet) {
	if o.ReplicaSet.Name != n.ReplicaSet.Name {
		c.add(Destructive, "", p+".name", "%s: replica set %s → %s (destructive: a different set; its pods, volumes and members are re-created and initiated empty)",
			what, o.ReplicaSet.Name, n.ReplicaSet.Name)
	}
	if o.ReplicaSet.Settings != n.ReplicaSet.Settings {
		c.add(Reconfig, "", "replicaSet.settings", "%s: settings %+v → %+v (replica-set reconfig)", what, o.ReplicaSet.Settings, n.ReplicaSet.Settings)
	}
	if lo, ln := layoutString(o.Members), layoutString(n.Members); lo != ln {
		c.add(Reconfig, "", p+".members", "%s: members %s → %s (replica-set reconfig, one voter per reconfig)", what, lo, ln)
	} else if membersString(o.Members) != membersString(n.Members) {
		c.add(Reconfig, "", p+".members", "%s: member hosts, _ids or priorities changed (replica-set reconfig: each changed member is removed and re-added)", what)
	}
	if d := sizingDiff(o.Sizing, n.Sizing); d != "" {
		why := "rolling restart"
		if o.Sizing.StorageSize != n.Sizing.StorageSize || o.Sizing.StorageClass != n.Sizing.StorageClass {
			why = "rolling: volumes are resized or re-created one member at a time (StatefulSet volume claims are immutable)"
		}
		c.add(Rolling, "", p+".sizing", "%s: sizing %s (%s)", what, d, why)
	}
	if o.Sizing.IOPS != n.Sizing.IOPS || o.Sizing.Throughput != n.Sizing.Throughput {
		c.add(Safe, "", p+".sizing", "%s: volume performance %d IOPS, %d MiB/s → %d IOPS, %d MiB/s (safe: gp3 volumes are modified in place)",
			what, o.Sizing.IOPS, o.Sizing.Throughput, n.Sizing.IOPS, n.Sizing.Throughput)
	}
}

// byKey indexes xs by key(x); keys are unique (vet checks them).
func byKey[V any](xs []V, key func(V) string) map[string]V {
	m := make(map[string]V, len(xs))
	for _, x := range xs {
		m[key(x)] = x
	}
	return m
}

func union[V any](a, b map[string]V) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func zoneString(s model.Shard) string {
	z := s.Zone
	if s.Jurisdiction != "" {
		z += " (" + s.Jurisdiction + ")"
	}
	if s.Default {
		z += " (default)"
	}
	return z
}

func keyString(k []model.ShardKeyField) string {
	var parts []string
	for _, f := range k {
		v := "1"
		if f.Hashed {
			v = `"hashed"`
		}
		parts = append(parts, f.Field+": "+v)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func rangesString(rs []model.ZoneRange) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s %v %v;", r.Zone, r.Min, r.Max)
	}
	return b.String()
}

// membersString renders every member's identity and vote: any change to
// one is a reconfig.
func membersString(ms []model.Member) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%d=%s/%s/%d/%s/v%d/p%d", m.ID, m.Region, m.Pod, m.Ordinal, m.HostPort(), m.Votes, m.Priority)+"@"+m.Zone)
	}
	return fmt.Sprintf("%d [%s]", len(ms), strings.Join(parts, " "))
}

// layoutString renders members and voters per region, e.g. "euw 3 (3
// voting), euc 2 (2 voting)".
func layoutString(ms []model.Member) string {
	var order []string
	count, votes := map[string]int{}, map[string]int{}
	for _, m := range ms {
		if count[m.Region] == 0 {
			order = append(order, m.Region)
		}
		count[m.Region]++
		votes[m.Region] += m.Votes
	}
	var parts []string
	for _, r := range order {
		parts = append(parts, fmt.Sprintf("%s %d (%d voting)", r, count[r], votes[r]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
