package model

import "github.com/topogen/topogen/sizing"

// Sharding is the zone-sharded cluster mode: the data of a jurisdiction lives
// only on its zone's shard, whose members stay in the zone's regions
// (MongoDB's "segmenting data by location": sh.addShardToZone,
// sh.updateZoneKeyRange). Nil on a Topology: the replica-set mode, one set
// in Topology.ReplicaSet and Topology.Members, compiled as before.
//
// In the sharded mode Topology.ReplicaSet and Topology.Members are empty:
// every set is here, and Region.Members/Voters count nothing.
type Sharding struct {
	// ConfigServers is the config server replica set (CSRS, configsvr:
	// true). It holds the cluster's metadata only (shards, chunk ranges,
	// zones, users), never a collection's documents, and spans every
	// region.
	ConfigServers MemberSet
	// Shards in name order; exactly one has Default set.
	Shards []Shard
	// Collections sharded by location, in namespace order.
	Collections []ShardedCollection
	// Mongos are the routers, one entry per region in region order.
	Mongos []Mongos
}

// MemberSet is one replica set of a sharded cluster. Its members are named
// and numbered as the replica-set mode's (PodName(ReplicaSet.Name, region,
// ordinal), _id = 100*region ID + ordinal), with votes and priorities by
// the same rules (≤ 7 voters, an odd number, no region holding a majority
// where the set spans ≥ 3 regions).
type MemberSet struct {
	ReplicaSet ReplicaSet
	// Members in _id order.
	Members []Member
	// Sizing of each member of the set.
	Sizing Sizing
}

// RegionMembers returns the set's members in one region, in ordinal order.
func (s MemberSet) RegionMembers(region string) []Member {
	var out []Member
	for _, m := range s.Members {
		if m.Region == region {
			out = append(out, m)
		}
	}
	return out
}

// Voters is the number of the set's voting members.
func (s MemberSet) Voters() int {
	n := 0
	for _, m := range s.Members {
		n += m.Votes
	}
	return n
}

// Shard is one shard: a replica set holding the data of one zone.
type Shard struct {
	// Name is the shard's id (sh.addShard's name, the shards collection's
	// _id).
	Name string
	// Zone is the zone name given to sh.addShardToZone and
	// sh.updateZoneKeyRange: the jurisdiction (e.g. "EU"), or the default
	// zone's name.
	Zone string
	// Jurisdiction the zone's data must stay in; empty for the default zone.
	Jurisdiction string
	// Regions allowed to hold the zone's data, in name order; every member
	// of Set is in one of them.
	Regions []string
	// Default: the zone of data without residency.
	Default bool
	Set     MemberSet
}

// ShardedCollection is one sh.shardCollection call and its zone ranges.
type ShardedCollection struct {
	// Namespace is "<database>.<collection>".
	Namespace string
	// Key is the shard key, its location field first.
	Key []ShardKeyField
	// Ranges are the sh.updateZoneKeyRange calls, in Min order, not
	// overlapping: [Min, Max) on the whole key.
	Ranges []ZoneRange
}

// ShardKeyField is one field of a shard key: {field: 1}, or
// {field: "hashed"}.
type ShardKeyField struct {
	Field  string
	Hashed bool `json:",omitempty"`
}

// ZoneRange assigns the key range [Min, Max) to a zone. Min and Max have
// one bound per key field, in key order.
type ZoneRange struct {
	Zone     string
	Min, Max []KeyBound
}

// KeyBound is one field's value in a range bound: a string value, or
// MinKey / MaxKey.
type KeyBound struct {
	Value string `json:",omitempty"`
	// Special is "MinKey" or "MaxKey"; empty: Value.
	Special string `json:",omitempty"`
}

// The special bound values (BSON MinKey, MaxKey).
const (
	MinKey = "MinKey"
	MaxKey = "MaxKey"
)

// Mongos is a region's routers.
type Mongos struct {
	Region   string
	Replicas int
	// Port clients connect to (the region's client ConfigMap points here).
	Port   int
	Sizing Sizing
}

// Sets are every replica set of the sharded cluster: the config servers
// first, then the shards in name order.
func (s *Sharding) Sets() []MemberSet {
	out := []MemberSet{s.ConfigServers}
	for _, sh := range s.Shards {
		out = append(out, sh.Set)
	}
	return out
}

// SetViews are t's replica sets, each as the replica-set mode's one set
// (SetView): t itself, or in the sharded mode the config servers and then
// every shard.
func (t *Topology) SetViews() []*Topology {
	if t.Sharding == nil {
		return []*Topology{t}
	}
	var out []*Topology
	for _, s := range t.Sharding.Sets() {
		out = append(out, t.SetView(s))
	}
	return out
}

// SetView is t as one of its sets would be in the replica-set mode: the
// set's name and members, the regions it has members in (Members and
// Voters counting the set's), no Sharding. Everything written for the
// replica-set mode's one set (failure tables, write estimates, a member
// StatefulSet) applies to it unchanged.
func (t *Topology) SetView(set MemberSet) *Topology {
	v := *t
	v.Sharding = nil
	v.ReplicaSet = set.ReplicaSet
	v.Members = set.Members
	v.Regions = nil
	for _, r := range t.Regions {
		ms := set.RegionMembers(r.Name)
		if len(ms) == 0 {
			continue
		}
		r.Members, r.Voters = len(ms), 0
		for _, m := range ms {
			r.Voters += m.Votes
		}
		r.Sizing = set.Sizing
		v.Regions = append(v.Regions, r)
	}
	return &v
}

// NodeSizing is the sizing whose instance type the region's MongoDB nodes
// run in the sharded mode: every set's members in a region share the
// region's tainted MongoDB node groups (one per availability zone, a node
// per member), so the nodes are of the largest instance type among the
// sets with members there (most memory, then most vCPU; the declared
// instance when the table lacks the type, 0 when neither knows it), and
// vet checks that every set's member fits on it. False when no set has
// members in the region.
func (s *Sharding) NodeSizing(region string) (Sizing, bool) {
	var best Sizing
	var bestIT sizing.InstanceType
	found := false
	for _, set := range s.Sets() {
		if len(set.RegionMembers(region)) == 0 {
			continue
		}
		it, ok := sizing.Lookup(set.Sizing.InstanceType)
		if set.Sizing.Instance != (sizing.InstanceType{}) {
			it, ok = set.Sizing.Instance, true
		}
		if !ok {
			it = sizing.InstanceType{}
		}
		if !found || it.MemoryGiB > bestIT.MemoryGiB || it.MemoryGiB == bestIT.MemoryGiB && it.VCPU > bestIT.VCPU {
			best, bestIT, found = set.Sizing, it, true
		}
	}
	return best, found
}
